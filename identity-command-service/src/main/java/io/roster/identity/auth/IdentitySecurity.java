package io.roster.identity.auth;

import io.roster.kit.security.PublicPaths;
import io.roster.kit.security.SecurityConfiguration;
import io.roster.kit.security.VerifiedTokenCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.security.interfaces.RSAPublicKey;

/** The identity service checks its own tokens with its own key, not through its JWKS endpoint. */
@Configuration
class IdentitySecurity {

    @Bean
    PublicPaths identityPublicPaths() {
        return PublicPaths.of("/api/v1/auth/token", "/.well-known/jwks.json", "/api/v1/auth/sign-up",
                "/api/v1/auth/verify-email", "/api/v1/auth/account-setup",
                "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm");
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(SigningKey key) throws com.nimbusds.jose.JOSEException {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) key.publicKey().toPublicKey())
                .signatureAlgorithm(SignatureAlgorithm.RS256)
                .build();
        return VerifiedTokenCache.around(decoder, SecurityConfiguration.rosterTokenValidator());
    }
}
