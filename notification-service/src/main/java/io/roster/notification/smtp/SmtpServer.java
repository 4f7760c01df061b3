package io.roster.notification.smtp;

import java.util.Objects;

/**
 * Where and as whom an email is sent: an SMTP server, its credentials (the password in clear, held only
 * for the duration of a send) and the sender shown to recipients.
 *
 * @param platform the platform's own server: only its mail proves that a recipient owns the address (PRODUCT.md §3a),
 *                 since whoever runs an organization's server can read what it carries
 */
public record SmtpServer(String host, int port, TlsMode tlsMode, String username, String password,
                         String senderAddress, String senderName, boolean platform) {

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
