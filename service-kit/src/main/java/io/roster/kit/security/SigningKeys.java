package io.roster.kit.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The identity service's signing keys as a verifier sees them: its JWKS, kept for {@code cacheTtl} and fetched again
 * then, or sooner when a token names a key id the kept set lacks (a rotation's new key), but such an early fetch at
 * most once per {@code minRefetchInterval}. Without that bound every request bearing a made-up {@code kid} cost a
 * fetch of the JWKS: a cheap way to hammer the identity service through any other service. Within the interval the
 * unknown key id is simply not found and the token is refused as any token of an unknown key is (401). Only those
 * early fetches are bounded: the first fetch and the one at the end of the time to live are not, so a service that
 * started while identity was down verifies tokens as soon as identity answers. The time to live is what makes a key
 * removed from the JWKS stop counting without a restart (the README's "Signing key rotation"); while identity cannot
 * be reached, the last keys fetched go on counting for {@value #OUTAGE_TOLERANCE_DAYS} days. Nimbus's sources do the
 * fetching, caching and outage tolerance; their fetch blocks, so it runs off the event loop.
 */
final class SigningKeys implements Function<SignedJWT, Flux<JWK>> {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int TIMEOUT_MILLIS = 3_000;
    private static final int SIZE_LIMIT_BYTES = 64 * 1024;
    private static final int OUTAGE_TOLERANCE_DAYS = 7;

    private final JWKSetSource<SecurityContext> jwks;
    private final long minRefetchMillis;
    private final AtomicLong nextEarlyFetch = new AtomicLong();

    SigningKeys(String jwksUri, Duration cacheTtl, Duration minRefetchInterval) {
        JWKSetSource<SecurityContext> remote = new URLBasedJWKSetSource<>(url(jwksUri),
                new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, SIZE_LIMIT_BYTES));
        JWKSetSource<SecurityContext> tolerant = new OutageTolerantJWKSetSource<>(new RetryingJWKSetSource<>(remote, null),
                Duration.ofDays(OUTAGE_TOLERANCE_DAYS).toMillis(), null);
        this.jwks = new CachingJWKSetSource<>(tolerant, cacheTtl.toMillis(), Math.min(TIMEOUT_MILLIS, cacheTtl.toMillis() / 2), null);
        this.minRefetchMillis = minRefetchInterval.toMillis();
    }

    @Override
    public Flux<JWK> apply(SignedJWT token) {
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(token.getHeader()));
        return Mono.fromCallable(() -> select(selector, token.getHeader().getKeyID()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapIterable(keys -> keys);
    }

    private List<JWK> select(JWKSelector selector, String keyId) throws KeySourceException {
        long now = System.currentTimeMillis();
        JWKSet kept = jwks.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
        List<JWK> keys = selector.select(kept);
        if (!keys.isEmpty()) {
            return keys;
        }
        if (!mayFetchEarly(now)) {
            // debug, not warn: a flood of made-up key ids would otherwise become a flood of log lines
            log.debug("A token names key id {}, which the JWKS does not list; not fetched again so soon", keyId);
            return keys;
        }
        return selector.select(jwks.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(kept), now, null));
    }

    private boolean mayFetchEarly(long now) {
        long next = nextEarlyFetch.get();
        return now >= next && nextEarlyFetch.compareAndSet(next, now + minRefetchMillis);
    }

    private static URL url(String jwksUri) {
        try {
            return URI.create(jwksUri).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("roster.auth.jwks-uri (ROSTER_JWKS_URI) is not a URL: " + jwksUri, e);
        }
    }
}
