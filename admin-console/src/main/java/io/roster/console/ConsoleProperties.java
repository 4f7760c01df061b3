package io.roster.console;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the console finds Roster's public API, and how close to its token's expiry a session ends.
 *
 * @param identityUrl   identity-command-service (sign-in, membership commands)
 * @param invitationUrl invitation-service (invitations, bulk CSV)
 * @param queryUrl      query-service (every table the console shows, the audit timeline)
 * @param notificationUrl notification-service (delivery log, SMTP settings); derived from {@code identityUrl} when
 *                      not given, see {@link #notificationBesideIdentity}
 * @param sessionEndMargin a session ends this long before its access token expires, so no click fails half-way with
 *                      an expired token (identity offers no refresh token: the person signs in again)
 */
@ConfigurationProperties("roster.console")
public record ConsoleProperties(String identityUrl, String invitationUrl, String queryUrl, String notificationUrl,
                                Duration sessionEndMargin) {

    public ConsoleProperties {
        sessionEndMargin = sessionEndMargin == null ? Duration.ofMinutes(1) : sessionEndMargin;
        notificationUrl = notificationUrl == null || notificationUrl.isBlank()
                ? notificationBesideIdentity(identityUrl) : notificationUrl;
    }

    /**
     * The local stack, docker-compose and Kubernetes start the console with the three other services' URLs only
     * (ROSTER_NOTIFICATION_URL is not passed yet). Everywhere the services keep their ports in the same order
     * (identity …81, notification …84, in the local stack's test blocks too) and, where they have host names,
     * those are their module names: so the notification service is found beside identity.
     */
    static String notificationBesideIdentity(String identityUrl) {
        if (identityUrl == null || identityUrl.isBlank()) {
            return null;
        }
        URI identity = URI.create(identityUrl);
        String host = identity.getHost().equals("identity-command-service") ? "notification-service" : identity.getHost();
        int port = identity.getPort() < 0 ? -1 : identity.getPort() + 3;
        return identity.getScheme() + "://" + host + (port < 0 ? "" : ":" + port);
    }
}
