package io.roster.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the console finds Roster's public API, when a session's token is renewed and how close to its expiry a
 * session ends.
 *
 * @param identityUrl   identity-command-service (sign-in, membership commands)
 * @param invitationUrl invitation-service (invitations, bulk CSV)
 * @param queryUrl      query-service (every table the console shows, the audit timeline)
 * @param notificationUrl notification-service (delivery log, SMTP settings)
 * @param sessionEndMargin a session ends this long before its access token expires, so no click fails half-way with
 *                      an expired token: when the token could not be renewed in time (identity refused it, or was
 *                      unreachable all through the renewal window), the person signs in again
 * @param renewalWindow a signed-in request whose token expires within this renews it first
 *                      ({@code POST /api/v1/auth/token/renew}); larger than {@code sessionEndMargin}, so a session has
 *                      the whole difference to renew before it ends
 */
@ConfigurationProperties("roster.console")
public record ConsoleProperties(String identityUrl, String invitationUrl, String queryUrl, String notificationUrl,
                                Duration sessionEndMargin, Duration renewalWindow) {

    public ConsoleProperties {
        sessionEndMargin = sessionEndMargin == null ? Duration.ofMinutes(1) : sessionEndMargin;
        renewalWindow = renewalWindow == null ? Duration.ofMinutes(10) : renewalWindow;
        if (renewalWindow.compareTo(sessionEndMargin) <= 0) {
            throw new IllegalArgumentException("roster.console.renewal-window (" + renewalWindow
                    + ") must be larger than roster.console.session-end-margin (" + sessionEndMargin + ")");
        }
    }
}
