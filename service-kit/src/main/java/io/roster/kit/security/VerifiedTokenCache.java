package io.roster.kit.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A token decoder that checks each token's RS256 signature once, not at every request. Checking the signature is a
 * 2048-bit modular exponentiation: under the lag benchmark it was 37% of the query service's CPU and 19% of the
 * identity service's, for the same few tokens polling again and again. A token the wrapped decoder accepted is kept
 * for {@value #KEPT_MINUTES} minutes under the SHA-256 of its text (never the token itself), and every later use still
 * runs the claim checks (expiry, not-before, issuer, audience): an expired token is refused at its expiry whether kept
 * or not. A changed byte is a different digest, so a forged or altered token always meets the signature check. What a
 * kept token skips is only a retired signing key: it counts for at most {@value #KEPT_MINUTES} minutes after its key
 * leaves the JWKS this service holds (which is fetched again every 5 minutes and when a token names a key id it lacks: the README's
 * "Signing key rotation" says when a removed key stops counting). Revocation (a deleted account, a changed password) is checked around this decoder at every use.
 */
public final class VerifiedTokenCache implements ReactiveJwtDecoder {

    static final int KEPT_MINUTES = 5;
    /** About 3 KiB a token: a few MiB of heap at most. */
    private static final int MAX_TOKENS = 2_000;

    private final ReactiveJwtDecoder verifying;
    private final OAuth2TokenValidator<Jwt> claimChecks;
    private final Cache<String, Jwt> verified = Caffeine.newBuilder()
            .maximumSize(MAX_TOKENS)
            .expireAfterWrite(Duration.ofMinutes(KEPT_MINUTES))
            .build();

    VerifiedTokenCache(ReactiveJwtDecoder verifying, OAuth2TokenValidator<Jwt> claimChecks) {
        this.verifying = verifying;
        this.claimChecks = claimChecks;
    }

    /** {@code decoder} checking the signature and then {@code claimChecks}; the claims again at each later use. */
    public static ReactiveJwtDecoder around(NimbusReactiveJwtDecoder decoder, OAuth2TokenValidator<Jwt> claimChecks) {
        decoder.setJwtValidator(claimChecks);
        return new VerifiedTokenCache(decoder, claimChecks);
    }

    @Override
    public Mono<Jwt> decode(String token) {
        String digest = sha256(token);
        Jwt known = verified.getIfPresent(digest);
        if (known == null) {
            return verifying.decode(token).doOnNext(jwt -> verified.put(digest, jwt));
        }
        OAuth2TokenValidatorResult checks = claimChecks.validate(known);
        if (checks.hasErrors()) {
            verified.invalidate(digest);
            return Mono.error(new JwtValidationException("The token's claims are no longer valid", checks.getErrors()));
        }
        return Mono.just(known);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
