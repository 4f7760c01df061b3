package io.roster.kit.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the identity service publishes its signing keys. */
@ConfigurationProperties("roster.auth")
public record SecurityProperties(String jwksUri) {
}
