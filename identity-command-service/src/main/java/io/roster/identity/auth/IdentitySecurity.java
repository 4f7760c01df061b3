package io.roster.identity.auth;

import io.roster.kit.security.PublicPaths;
import io.roster.kit.security.SecurityConfiguration;
import io.roster.kit.security.SecurityProperties;
import io.roster.kit.security.VerifiedTokenCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Flux;

/**
 * The identity service checks its own tokens with the keys it publishes (the signing key and a rotation's next or
 * previous key), not through its JWKS endpoint. Nimbus picks among them the key whose id is the token's {@code kid}.
 */
@Configuration
class IdentitySecurity {

    @Bean
    PublicPaths identityPublicPaths() {
        return PublicPaths.of(AuthController.TOKEN_PATH, AuthController.JWKS_PATH, DiscoveryController.PATH,
                "/api/v1/auth/sign-up", "/api/v1/auth/verify-email", "/api/v1/auth/account-setup",
                "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm");
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(SigningKey key, SecurityProperties security) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.fromIterable(key.publishedKeys()))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        return VerifiedTokenCache.around(decoder, SecurityConfiguration.rosterTokenValidator(security.issuer()));
    }
}
