package io.roster.identity.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The identity service's settings. The signing key comes from configuration in production
 * ({@code signingKeyPem}); the local stack lets the service generate one into its data folder.
 */
@ConfigurationProperties("roster.identity")
public record IdentityProperties(Path dataDir, String signingKeyPem, Duration tokenTtl, BootstrapAdmin bootstrapAdmin) {

    /** The provider admin created at first start. */
    public record BootstrapAdmin(String email, String password, String firstName, String lastName) {
    }
}
