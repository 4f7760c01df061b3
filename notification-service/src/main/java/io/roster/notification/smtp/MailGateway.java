package io.roster.notification.smtp;

/**
 * Sends email over SMTP in two steps, so that the caller can record the moment the SMTP transaction
 * starts: {@link #connect} (TCP, TLS, EHLO, AUTH: nothing can be delivered yet) and
 * {@link MailConnection#send} (MAIL FROM, RCPT TO, DATA: from here on the server may have the message).
 */
public interface MailGateway {

    MailConnection connect(SmtpServer server) throws SmtpFailure;

    /** An open, authenticated SMTP connection. */
    interface MailConnection extends AutoCloseable {

        /** Returns when the server accepted the message (250 after DATA). */
        void send(OutgoingEmail email) throws SmtpFailure;

        @Override
        void close();
    }
}
