package io.roster.kit.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Where the identity service publishes its signing keys, and the issuer its tokens name.
 *
 * @param jwksUri the identity service's JWKS, fetched again after {@code jwksCacheTtl}, or sooner when a token names
 *                a key id it does not list (at most once per {@code jwksMinRefetchInterval})
 * @param issuer  the identity service's public URL: every token's {@code iss} must equal it exactly, and the identity
 *                service signs it into its tokens and serves it in {@code /.well-known/openid-configuration}
 */
@ConfigurationProperties("roster.auth")
public record SecurityProperties(String jwksUri, String issuer,
                                 @DefaultValue("PT5M") Duration jwksCacheTtl,
                                 @DefaultValue("PT30S") Duration jwksMinRefetchInterval) {
}
