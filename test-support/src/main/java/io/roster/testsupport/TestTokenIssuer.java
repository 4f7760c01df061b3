package io.roster.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.roster.kit.security.TokenSettings;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the identity service in other services' tests: serves a JWKS over real HTTP and mints
 * tokens signed with its key, so the resource-server code under test runs exactly as in production. Its issuer
 * ({@code iss}) is its own origin, as the identity service's is its public URL.
 */
public final class TestTokenIssuer {

    private static TestTokenIssuer instance;

    private final RSAKey key;
    private final HttpServer server;
    /** What the JWKS lists: the key, and every {@link NextKey} published since. */
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();

    private TestTokenIssuer() {
        key = newRsaKey("test-" + UUID.randomUUID());
        published.add(key.toPublicJWK());
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/.well-known/jwks.json", exchange -> {
            jwksFetches.incrementAndGet();
            byte[] jwks = new JWKSet(List.copyOf(published)).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "test-jwks-stop"));
    }

    public static synchronized TestTokenIssuer get() {
        if (instance == null) {
            instance = new TestTokenIssuer();
        }
        return instance;
    }

    /** The {@code iss} of its tokens: the origin of its JWKS. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String jwksUri() {
        return issuer() + "/.well-known/jwks.json";
    }

    /** How many times a service fetched the JWKS so far. */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("roster.auth.jwks-uri", () -> get().jwksUri());
        registry.add("roster.auth.issuer", () -> get().issuer());
    }

    public String tokenFor(UUID userId, String email, List<String> providerRoles) {
        return sign(key, key.getKeyID(), issuer(), userId, email, providerRoles, Instant.now().plus(Duration.ofMinutes(15)));
    }

    public String expiredTokenFor(UUID userId, String email) {
        return sign(key, key.getKeyID(), issuer(), userId, email, List.of(), Instant.now().minus(Duration.ofMinutes(10)));
    }

    /** Signed by the published key, valid in every way but naming {@code issuer} as its issuer. */
    public String tokenFromIssuer(String issuer, UUID userId, String email) {
        return sign(key, key.getKeyID(), issuer, userId, email, List.of(), Instant.now().plus(Duration.ofMinutes(15)));
    }

    /** A well-formed token signed by a key nobody published, under a key id nobody published. */
    public static String tokenSignedByAnotherKey(UUID userId, String email) {
        return sign(newRsaKey("stranger"), "stranger", get().issuer(), userId, email, List.of(),
                Instant.now().plus(Duration.ofMinutes(15)));
    }

    /** A token signed by a key nobody published, claiming the published key's id: a forgery naming a known kid. */
    public String forgedTokenUnderThePublishedKeyId(UUID userId, String email) {
        return sign(newRsaKey(key.getKeyID()), key.getKeyID(), issuer(), userId, email, List.of(),
                Instant.now().plus(Duration.ofMinutes(15)));
    }

    /** A key as in a rotation: tokens it signs name its own key id and count only once {@link NextKey#publish()} ran. */
    public NextKey nextKey() {
        return new NextKey(newRsaKey("next-" + UUID.randomUUID()));
    }

    /** A second signing key of this issuer, unknown to the JWKS until published. */
    public final class NextKey {
        private final RSAKey next;

        private NextKey(RSAKey next) {
            this.next = next;
        }

        public String keyId() {
            return next.getKeyID();
        }

        public String tokenFor(UUID userId, String email) {
            return sign(next, next.getKeyID(), issuer(), userId, email, List.of(), Instant.now().plus(Duration.ofMinutes(15)));
        }

        /** The JWKS lists it beside the first key from now on. */
        public void publish() {
            published.add(next.toPublicJWK());
        }
    }

    private static RSAKey newRsaKey(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAKey key, String keyId, String issuer, UUID userId, String email, List<String> providerRoles,
                               Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(TokenSettings.AUDIENCE)
                .subject(userId.toString())
                .claim("email", email)
                .claim("providerRoles", providerRoles)
                .issueTime(Date.from(expiresAt.minus(Duration.ofMinutes(15))))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
