package io.roster.invitation.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;

/**
 * {@code roster.invitation.pages.*}: where the visitor's browser reaches the identity service's public API
 * ({@code ROSTER_IDENTITY_PUBLIC_URL}). The pages' scripts call it directly (login, sign-up), so it is the address
 * the browser sees, not an in-cluster one; the identity service must allow this service's origin (CORS).
 */
@ConfigurationProperties("roster.invitation.pages")
public record InvitePagesProperties(@DefaultValue("http://127.0.0.1:8081") String identityUrl) {

    public InvitePagesProperties {
        URI uri = URI.create(identityUrl);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("roster.invitation.pages.identity-url must be an http(s) URL, got " + identityUrl);
        }
        identityUrl = identityUrl.replaceAll("/+$", "");
    }

    /** Scheme, host and port: what the pages' Content-Security-Policy lets scripts connect to. */
    String identityOrigin() {
        URI uri = URI.create(identityUrl);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
