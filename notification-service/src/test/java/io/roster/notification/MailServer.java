package io.roster.notification;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.List;

/**
 * A GreenMail SMTP server on a random loopback port that can be stopped and started again on the same
 * port (an SMTP outage), each start with empty mailboxes.
 */
public final class MailServer implements AutoCloseable {

    private final GreenMailConfiguration configuration;
    private volatile GreenMail greenMail;
    private final int port;

    private MailServer(GreenMailConfiguration configuration) {
        this.configuration = configuration;
        this.greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(configuration);
        greenMail.start();
        this.port = greenMail.getSmtp().getPort();
    }

    /** Accepts mail from anyone, no authentication (the platform server of the tests, like the local stack's). */
    public static MailServer open() {
        return new MailServer(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    }

    /** Requires this login if the client authenticates (a wrong password gets 535). */
    public static MailServer withLogin(String username, String password) {
        return new MailServer(GreenMailConfiguration.aConfig().withUser(username, username, password));
    }

    public int port() {
        return port;
    }

    public synchronized void stop() {
        greenMail.stop();
    }

    public synchronized void start() {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)).withConfiguration(configuration);
        greenMail.start();
    }

    public List<MimeMessage> all() {
        return Arrays.asList(greenMail.getReceivedMessages());
    }

    public List<MimeMessage> to(String address) {
        return all().stream().filter(m -> isTo(m, address)).toList();
    }

    private static boolean isTo(MimeMessage message, String address) {
        try {
            var recipients = message.getRecipients(Message.RecipientType.TO);
            return recipients != null && Arrays.stream(recipients).anyMatch(r -> r.toString().equalsIgnoreCase(address));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
