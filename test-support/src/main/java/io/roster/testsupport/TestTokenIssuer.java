package io.roster.testsupport;

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

/**
 * Stands in for the identity service in other services' tests: serves a JWKS over real HTTP and mints
 * tokens signed with its key, so the resource-server code under test runs exactly as in production.
 */
public final class TestTokenIssuer {

    private static TestTokenIssuer instance;

    private final RSAKey key;
    private final HttpServer server;

    private TestTokenIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID("test-" + UUID.randomUUID()).generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/.well-known/jwks.json", exchange -> {
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

    public String jwksUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("roster.auth.jwks-uri", () -> get().jwksUri());
    }

    public String tokenFor(UUID userId, String email, List<String> providerRoles) {
        return sign(key, userId, email, providerRoles, Instant.now().plus(Duration.ofMinutes(15)));
    }

    public String expiredTokenFor(UUID userId, String email) {
        return sign(key, userId, email, List.of(), Instant.now().minus(Duration.ofMinutes(10)));
    }

    /** A well-formed token signed by a key nobody published. */
    public static String tokenSignedByAnotherKey(UUID userId, String email) {
        try {
            return sign(new RSAKeyGenerator(2048).keyID("stranger").generate(), userId, email, List.of(),
                    Instant.now().plus(Duration.ofMinutes(15)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAKey key, UUID userId, String email, List<String> providerRoles, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(TokenSettings.ISSUER)
                .audience(TokenSettings.AUDIENCE)
                .subject(userId.toString())
                .claim("email", email)
                .claim("providerRoles", providerRoles)
                .issueTime(Date.from(expiresAt.minus(Duration.ofMinutes(15))))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
