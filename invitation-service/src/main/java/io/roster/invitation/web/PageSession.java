package io.roster.invitation.web;

import io.roster.events.ProblemCode;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;

/**
 * Who is logged in on the invite pages. The session cookie holds an access token of the identity service, checked
 * exactly as the API checks a bearer token: the same decoder (JWKS, RS256, issuer, audience, expiry), the same
 * authentication manager and the same {@link CurrentCaller}. An invalid or expired cookie is no session.
 */
@Component
class PageSession {

    private final JwtReactiveAuthenticationManager tokens;

    PageSession(ReactiveJwtDecoder decoder) {
        this.tokens = new JwtReactiveAuthenticationManager(decoder);
    }

    /** A started session: who, and how long the cookie may live (as long as the token). */
    record Started(RosterPrincipal caller, Duration lifetime) {
    }

    /** The visitor, if the session cookie holds a token the API would accept now. */
    Mono<RosterPrincipal> caller(ServerWebExchange exchange) {
        return InviteCookies.read(InviteCookies.SESSION, exchange)
                .map(token -> tokens.authenticate(new BearerTokenAuthenticationToken(token))
                        .flatMap(PageSession::callerOf)
                        .onErrorResume(AuthenticationException.class, e -> Mono.empty()))
                .orElse(Mono.empty());
    }

    /**
     * Checks the access token the pages' script got from the identity service.
     *
     * @return an error {@link ApiProblem}: 401 {@code unauthenticated} for a token the API would refuse, 503 when
     * the keys cannot be fetched
     */
    Mono<Started> start(String accessToken) {
        return tokens.authenticate(new BearerTokenAuthenticationToken(accessToken))
                .onErrorMap(AuthenticationServiceException.class, e -> new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE, "The token keys cannot be fetched right now; try again shortly."))
                .onErrorMap(AuthenticationException.class, e -> new ApiProblem(ProblemCode.UNAUTHENTICATED, "This is not a valid, unexpired access token of the identity service."))
                .flatMap(authentication -> callerOf(authentication).map(caller -> new Started(caller,
                        lifetimeOf((JwtAuthenticationToken) authentication))));
    }

    private static Mono<RosterPrincipal> callerOf(Authentication authentication) {
        return CurrentCaller.get().contextWrite(ReactiveSecurityContextHolder.withAuthentication(authentication));
    }

    /** Real time, not the service's clock: the token's expiry is checked against real time too. */
    private static Duration lifetimeOf(JwtAuthenticationToken authentication) {
        Instant expiresAt = authentication.getToken().getExpiresAt();
        Duration left = expiresAt == null ? Duration.ZERO : Duration.between(Instant.now(), expiresAt);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
