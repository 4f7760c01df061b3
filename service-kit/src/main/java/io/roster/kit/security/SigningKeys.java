package io.roster.kit.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The identity service's signing keys as a verifier sees them: its JWKS, kept for {@code cacheTtl} and fetched
 * again then, or sooner when a token names a key id the kept set lacks (a rotation's new key) — but never more than
 * twice per {@code minRefetchInterval}. Without that bound every request bearing a made-up {@code kid} cost a fetch
 * of the JWKS: a cheap way to hammer the identity service through any other service. Over the bound, the unknown key
 * id is simply not found and the token is refused as any token of an unknown key is (401). The time to live is also
 * what makes a key removed from the JWKS stop counting without a restart (the README's "Signing key rotation").
 * Nimbus's {@link JWKSourceBuilder} does the caching and the rate limit; its fetch blocks, so it runs off the event
 * loop.
 */
final class SigningKeys implements Function<SignedJWT, Flux<JWK>> {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int TIMEOUT_MILLIS = 3_000;
    private static final int SIZE_LIMIT_BYTES = 64 * 1024;

    private final JWKSource<SecurityContext> source;

    SigningKeys(String jwksUri, Duration cacheTtl, Duration minRefetchInterval) {
        this.source = JWKSourceBuilder.<SecurityContext>create(url(jwksUri),
                        new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, SIZE_LIMIT_BYTES))
                .cache(cacheTtl.toMillis(), Math.min(TIMEOUT_MILLIS, cacheTtl.toMillis() / 2))
                .refreshAheadCache(false)
                .rateLimited(minRefetchInterval.toMillis())
                .build();
    }

    private static URL url(String jwksUri) {
        try {
            return URI.create(jwksUri).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("roster.auth.jwks-uri (ROSTER_JWKS_URI) is not a URL: " + jwksUri, e);
        }
    }

    @Override
    public Flux<JWK> apply(SignedJWT token) {
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(token.getHeader()));
        return Mono.fromCallable(() -> select(selector, token))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapIterable(keys -> keys);
    }

    private List<JWK> select(JWKSelector selector, SignedJWT token) throws KeySourceException {
        try {
            return source.get(selector, null);
        } catch (RateLimitReachedException e) {
            log.warn("A token names key id {}, which the JWKS does not list; not fetched again so soon", token.getHeader().getKeyID());
            return List.of();
        }
    }
}
