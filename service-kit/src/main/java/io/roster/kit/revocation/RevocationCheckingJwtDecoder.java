package io.roster.kit.revocation;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A decoder that, after the signature and claims are checked, refuses a revoked token (see {@link TokenRevocations})
 * the way it refuses a bad one: the caller gets 401 {@code unauthenticated}.
 */
final class RevocationCheckingJwtDecoder implements ReactiveJwtDecoder {

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
                .flatMap(refusal -> refusal.<Mono<Jwt>>map(reason -> Mono.error(new BadJwtException("revoked: " + reason)))
                        .orElseGet(() -> Mono.just(jwt))));
    }
}
