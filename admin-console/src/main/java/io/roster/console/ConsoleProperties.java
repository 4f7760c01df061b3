package io.roster.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the console finds Roster's public API, and how close to its token's expiry a session ends.
 *
 * @param identityUrl   identity-command-service (sign-in, membership commands)
 * @param invitationUrl invitation-service (invitations, bulk CSV)
 * @param queryUrl      query-service (every table the console shows, the audit timeline)
 * @param notificationUrl notification-service (delivery log, SMTP settings)
 * @param sessionEndMargin a session ends this long before its access token expires, so no click fails half-way with
 *                      an expired token (identity offers no refresh token: the person signs in again)
 */
@ConfigurationProperties("roster.console")
public record ConsoleProperties(String identityUrl, String invitationUrl, String queryUrl, String notificationUrl,
                                Duration sessionEndMargin) {

    public ConsoleProperties {
        sessionEndMargin = sessionEndMargin == null ? Duration.ofMinutes(1) : sessionEndMargin;
    }
}
