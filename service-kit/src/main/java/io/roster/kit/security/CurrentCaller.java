package io.roster.kit.security;

import io.roster.events.ProblemCode;
import io.roster.kit.web.ApiProblem;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/** The authenticated caller of the current request. */
public final class CurrentCaller {

    private CurrentCaller() {
    }

    public static Mono<RosterPrincipal> get() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> RosterPrincipal.from(((JwtAuthenticationToken) auth).getToken()))
                .switchIfEmpty(Mono.error(() -> new ApiProblem(ProblemCode.UNAUTHENTICATED, "A valid bearer token is required.")));
    }
}
