package io.roster.invitation.web;

import io.roster.kit.web.TransportSecurity;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.web.server.ServerWebExchange;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The two cookies of the invite pages, both HttpOnly (no script reads them), SameSite=Lax (a cross-site form
 * post does not carry them) and sent only to {@code /invite}: the invitation a visitor opened before logging in
 * (30 minutes), and the session, which holds the identity service's access token until it expires.
 */
final class InviteCookies {

    static final String PATH = "/invite";
    static final String INVITATION = "roster_invitation";
    static final String SESSION = "roster_session";
    static final Duration INVITATION_LIFETIME = Duration.ofMinutes(30);

    /** How tokens look (base64url of 256 bits); anything else is no invitation and never reaches a cookie. */
    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{20,200}");

    private InviteCookies() {
    }

    static boolean looksLikeToken(String value) {
        return value != null && TOKEN_SHAPE.matcher(value).matches();
    }

    static ResponseCookie invitation(String token, ServerWebExchange exchange) {
        return cookie(INVITATION, token, INVITATION_LIFETIME, exchange);
    }

    static ResponseCookie session(String accessToken, Duration lifetime, ServerWebExchange exchange) {
        return cookie(SESSION, accessToken, lifetime, exchange);
    }

    static ResponseCookie cleared(String name, ServerWebExchange exchange) {
        return cookie(name, "", Duration.ZERO, exchange);
    }

    /** The invitation token the visitor opened, if its cookie is there and well-formed. */
    static Optional<String> invitation(ServerWebExchange exchange) {
        return read(INVITATION, exchange).filter(InviteCookies::looksLikeToken);
    }

    static Optional<String> read(String name, ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getRequest().getCookies().getFirst(name))
                .map(HttpCookie::getValue)
                .filter(value -> !value.isEmpty());
    }

    private static ResponseCookie cookie(String name, String value, Duration lifetime, ServerWebExchange exchange) {
        return ResponseCookie.from(name, value)
                .httpOnly(true)
                .sameSite("Lax")
                .path(PATH)
                .maxAge(lifetime)
                // when the public origin is HTTPS (roster.security.https, also behind a TLS-terminating proxy) the
                // cookies never travel over plain http; the local stack is plain http
                .secure(TransportSecurity.secureCookies(exchange))
                .build();
    }
}
