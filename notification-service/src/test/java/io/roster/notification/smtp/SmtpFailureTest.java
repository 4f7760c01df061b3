package io.roster.notification.smtp;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which SMTP failures are worth another attempt. */
class SmtpFailureTest {

    @Test
    void unreachableServersTimeoutsAnd4xxAreTransient() throws Exception {
        assertThat(SmtpFailure.of(new MailConnectException(new SocketConnectException("refused", new ConnectException("Connection refused"),
                "smtp.x", 25, 1000))).isPermanent()).isFalse();
        assertThat(SmtpFailure.of(new MessagingException("read timed out", new SocketTimeoutException("Read timed out")))
                .isPermanent()).isFalse();
        SendFailedException greylisted = new SendFailedException("Invalid Addresses", new SMTPAddressFailedException(
                new InternetAddress("ann@x.io"), "RCPT", 450, "450 4.2.0 greylisted, try again later"));
        assertThat(SmtpFailure.of(greylisted).isPermanent()).isFalse();
        assertThat(SmtpFailure.of(greylisted).getMessage()).contains("450 4.2.0 greylisted");
        assertThat(SmtpFailure.of(new AuthenticationFailedException("454 4.7.0 Temporary authentication failure")).isPermanent()).isFalse();
    }

    @Test
    void fiveHundredsAndAddressesThatAreNoAddressesArePermanent() throws Exception {
        SendFailedException unknownUser = new SendFailedException("Invalid Addresses", new SMTPAddressFailedException(
                new InternetAddress("nobody@x.io"), "RCPT", 550, "550 5.1.1 user unknown"));
        assertThat(SmtpFailure.of(unknownUser).isPermanent()).isTrue();
        assertThat(SmtpFailure.of(unknownUser).getMessage()).isEqualTo("the SMTP server answered 550 5.1.1 user unknown");
        assertThat(SmtpFailure.of(new SMTPSendFailedException("DATA", 554, "554 5.7.1 message refused", null, null, null, null))
                .isPermanent()).isTrue();
        assertThat(SmtpFailure.of(new AuthenticationFailedException("535 5.7.8 Authentication credentials invalid")).isPermanent()).isTrue();
        assertThat(SmtpFailure.of(new AddressException("Local address contains control or whitespace", "not an address"))
                .isPermanent()).isTrue();
    }
}
