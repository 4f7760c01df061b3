package io.roster.kit.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signature once per token, the claims at every use; an altered or forged token always meets the signature check. */
class VerifiedTokenCacheTest {

    private static final String ISSUER = "https://roster.test";
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private final RSAKey key = newKey();
    /** The claim checks' clock: a test moves it with setClock. */
    private final JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(60));
    private final AtomicInteger signatureChecks = new AtomicInteger();
    private final ReactiveJwtDecoder decoder = cachingDecoder();

    @Test
    void aTokenIsVerifiedOnceAndItsClaimsAtEveryUse() throws JOSEException {
        String token = sign(key, "user-1", NOW.plusSeconds(900));

        Jwt first = decoder.decode(token).block();
        Jwt second = decoder.decode(token).block();

        assertThat(first.getSubject()).isEqualTo("user-1");
        assertThat(second.getSubject()).isEqualTo("user-1");
        assertThat(signatureChecks).hasValue(1);
    }

    @Test
    void aKeptTokenIsRefusedOnceItHasExpired() throws JOSEException {
        String token = sign(key, "user-1", NOW.plusSeconds(120));
        decoder.decode(token).block();

        timestamps.setClock(Clock.fixed(NOW.plusSeconds(120).plus(Duration.ofMinutes(2)), ZoneOffset.UTC));

        assertThatThrownBy(() -> decoder.decode(token).block()).isInstanceOf(JwtValidationException.class);
        assertThatThrownBy(() -> decoder.decode(token).block()).isInstanceOf(JwtValidationException.class);
    }

    @Test
    void aKeptTokenWithItsClaimsChangedMeetsTheSignatureCheck() throws JOSEException {
        String token = sign(key, "user-1", NOW.plusSeconds(900));
        decoder.decode(token).block();
        String[] parts = token.split("\\.");
        String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("admin-1", NOW.plusSeconds(900)).toString().getBytes(StandardCharsets.UTF_8));
        String altered = parts[0] + "." + otherClaims + "." + parts[2];

        assertThatThrownBy(() -> decoder.decode(altered).block()).isInstanceOf(BadJwtException.class);
        assertThat(signatureChecks).hasValue(2);
    }

    @Test
    void aForgedTokenIsCheckedAtEveryAttemptAndNeverKept() throws JOSEException {
        String forged = sign(newKey(), "admin-1", NOW.plusSeconds(900));

        assertThatThrownBy(() -> decoder.decode(forged).block()).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode(forged).block()).isInstanceOf(BadJwtException.class);
        assertThat(signatureChecks).hasValue(2);
    }

    @Test
    void emptyAndMalformedTokensAreRefusedAndNeverKept() {
        for (String malformed : List.of("", "not-a-jwt", "a.b.c", "é.é.é")) {
            assertThatThrownBy(() -> decoder.decode(malformed).block()).as(malformed).isInstanceOf(BadJwtException.class);
            assertThatThrownBy(() -> decoder.decode(malformed).block()).as(malformed).isInstanceOf(BadJwtException.class);
        }
        assertThat(signatureChecks).hasValue(8);
    }

    private ReactiveJwtDecoder cachingDecoder() {
        timestamps.setClock(Clock.fixed(NOW, ZoneOffset.UTC));
        OAuth2TokenValidator<Jwt> claimChecks = new DelegatingOAuth2TokenValidator<>(List.of(timestamps,
                new JwtIssuerValidator(ISSUER)));
        try {
            NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withPublicKey(key.toRSAPublicKey())
                    .signatureAlgorithm(SignatureAlgorithm.RS256).build();
            nimbus.setJwtValidator(claimChecks);
            ReactiveJwtDecoder counting = token -> {
                signatureChecks.incrementAndGet();
                return nimbus.decode(token);
            };
            return new VerifiedTokenCache(counting, claimChecks);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet claims(String subject, Instant expiry) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(TokenSettings.AUDIENCE)
                .issueTime(Date.from(NOW)).expirationTime(Date.from(expiry)).build();
    }

    private static String sign(RSAKey key, String subject, Instant expiry) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims(subject, expiry));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("k1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
