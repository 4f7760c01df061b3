package io.roster.kit.revocation;

import io.roster.kit.failure.InfrastructureFailures;
import io.roster.kit.web.ServiceUnavailable;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;

/**
 * A decoder that, after the signature and claims are checked, refuses a revoked token (see {@link TokenRevocations})
 * the way it refuses a bad one: the caller gets 401 {@code unauthenticated}.
 *
 * <p>When the revocation store cannot be read (MongoDB down, partitioned, timing out), the token is neither let through
 * unchecked nor refused as unauthenticated, which would send the client to log in again when logging in cannot help:
 * the request gets 503 {@code service_unavailable} with {@code Retry-After}. That problem is no authentication
 * failure, so Spring Security passes it on to the problem handler instead of answering 401.
 */
final class RevocationCheckingJwtDecoder implements ReactiveJwtDecoder {

    /** About the time a readiness probe takes to notice the outage and a load balancer to try another replica. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final ReactiveJwtDecoder delegate;
    private final TokenRevocations revocations;

    RevocationCheckingJwtDecoder(ReactiveJwtDecoder delegate, TokenRevocations revocations) {
        this.delegate = delegate;
        this.revocations = revocations;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        return delegate.decode(token).flatMap(jwt -> Mono.fromCallable(() -> revocations.refusal(jwt))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(InfrastructureFailures::isInfrastructure, e -> new ServiceUnavailable(
                        "Whether this token still counts cannot be checked right now; try again shortly.", RETRY_AFTER))
                .flatMap(refusal -> refusal.<Mono<Jwt>>map(reason -> Mono.error(new BadJwtException("revoked: " + reason)))
                        .orElseGet(() -> Mono.just(jwt))));
    }
}
