package io.roster.kit.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The JWKS behind a real HTTP server: fetched once, again for a new key id, not for every made-up one; a removed key ends. */
class SigningKeysTest {

    private final RSAKey published = newKey();
    private final List<RSAKey> jwks = new CopyOnWriteArrayList<>(List.of(published));
    private final AtomicInteger fetches = new AtomicInteger();
    private final HttpServer server = jwksServer(0);
    private final int port = server.getAddress().getPort();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aTokenOfAPublishedKeyVerifiesAndTheJwksIsFetchedOnce() throws JOSEException {
        NimbusReactiveJwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofSeconds(30));

        for (int i = 0; i < 5; i++) {
            assertThat(decoder.decode(sign(published, "user-" + i)).block().getSubject()).isEqualTo("user-" + i);
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void madeUpKeyIdsAreRefusedWithoutAFetchEach() throws JOSEException {
        NimbusReactiveJwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofMinutes(1));
        decoder.decode(sign(published, "warm-up")).block();

        for (int i = 0; i < 50; i++) {
            String forged = sign(newKey(), "attacker");
            assertThatThrownBy(() -> decoder.decode(forged).block()).isInstanceOf(BadJwtException.class);
        }

        // the warm-up's fetch, then one early fetch in the minute
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aKeyPublishedLaterIsFetchedWhenATokenNamesIt() throws JOSEException {
        NimbusReactiveJwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofSeconds(30));
        decoder.decode(sign(published, "before")).block();
        RSAKey next = newKey();
        jwks.add(next);

        assertThat(decoder.decode(sign(next, "after-rotation")).block().getSubject()).isEqualTo("after-rotation");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void theFirstFetchIsNotRateLimitedSoAServiceStartedDuringAnIdentityOutageRecoversAtOnce() throws JOSEException {
        NimbusReactiveJwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofMinutes(1));
        server.stop(0);
        for (int i = 0; i < 3; i++) {
            String token = sign(published, "during-outage");
            assertThatThrownBy(() -> decoder.decode(token).block()).isNotNull();
        }
        HttpServer back = jwksServer(port);
        try {
            assertThat(decoder.decode(sign(published, "after-outage")).block().getSubject()).isEqualTo("after-outage");
        } finally {
            back.stop(0);
        }
    }

    @Test
    void theKeysFetchedLastGoOnCountingWhileTheJwksCannotBeFetched() throws JOSEException {
        NimbusReactiveJwtDecoder decoder = decoder(Duration.ofSeconds(2), Duration.ofMillis(500));
        decoder.decode(sign(published, "before-outage")).block();
        server.stop(0);

        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(decoder.decode(sign(published, "during-outage")).block().getSubject()).isEqualTo("during-outage"));
    }

    @Test
    void aKeyRemovedFromTheJwksStopsVerifyingAfterTheCacheTime() throws JOSEException {
        NimbusReactiveJwtDecoder decoder = decoder(Duration.ofSeconds(2), Duration.ofMillis(500));
        decoder.decode(sign(published, "before-removal")).block();
        jwks.set(0, newKey());
        String tokenOfTheRemovedKey = sign(published, "after-removal");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> decoder.decode(tokenOfTheRemovedKey).block()).isInstanceOf(BadJwtException.class));
        assertThat(fetches.get()).isGreaterThanOrEqualTo(2);
    }

    private NimbusReactiveJwtDecoder decoder(Duration cacheTtl, Duration minRefetchInterval) {
        String uri = "http://127.0.0.1:" + port + "/.well-known/jwks.json";
        return NimbusReactiveJwtDecoder.withJwkSource(new SigningKeys(uri, cacheTtl, minRefetchInterval))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
    }

    private HttpServer jwksServer(int port) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            http.createContext("/.well-known/jwks.json", exchange -> {
                fetches.incrementAndGet();
                byte[] body = new JWKSet(jwks.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList())
                        .toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAKey key, String subject) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
