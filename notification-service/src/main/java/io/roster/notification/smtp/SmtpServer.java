package io.roster.notification.smtp;

import java.util.Objects;

/**
 * Where and as whom an email is sent: an SMTP server, its credentials (the password in clear, held only
 * for the duration of a send) and the sender shown to recipients.
 */
public record SmtpServer(String host, int port, TlsMode tlsMode, String username, String password,
                         String senderAddress, String senderName) {

    public SmtpServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tlsMode, "tlsMode");
        Objects.requireNonNull(senderAddress, "senderAddress");
    }

    public boolean authenticates() {
        return username != null && !username.isBlank();
    }

    @Override
    public String toString() {
        return "SmtpServer[" + host + ":" + port + ", " + tlsMode.value() + (authenticates() ? ", user " + username : "")
                + ", from " + senderAddress + "]";
    }
}
