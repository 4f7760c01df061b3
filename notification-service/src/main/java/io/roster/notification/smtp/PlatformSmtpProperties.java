package io.roster.notification.smtp;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The platform SMTP server ({@code roster.smtp.*}): every organization without its own settings sends
 * through it, and so do the emails of no organization (account setup, verification). The timeouts and
 * the connection reuse apply to every SMTP server, the organizations' too.
 *
 * @param connectionIdleTimeout   how long an open SMTP connection is kept for the next email to the same server
 * @param messagesPerConnection   emails sent over one connection before it is closed (1 = a connection per email)
 */
@ConfigurationProperties("roster.smtp")
public record PlatformSmtpProperties(
        @DefaultValue("127.0.0.1") String host,
        @DefaultValue("3025") int port,
        @DefaultValue("none") String tlsMode,
        String username,
        String password,
        @DefaultValue("no-reply@roster.local") String senderAddress,
        @DefaultValue("Roster") String senderName,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("10s") Duration connectionIdleTimeout,
        @DefaultValue("100") int messagesPerConnection) {

    public SmtpServer server() {
        TlsMode mode = TlsMode.parse(tlsMode).orElseThrow(() ->
                new IllegalStateException("roster.smtp.tls-mode must be none, starttls or tls, not " + tlsMode));
        return new SmtpServer(host, port, mode, blankToNull(username), blankToNull(password), senderAddress, senderName, true);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
