package io.roster.identity.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The identity service's settings. The signing key comes from configuration in production
 * ({@code signingKeyPem}); the local stack lets the service generate one into its data folder.
 *
 * @param verificationKeysPem  keys published in the JWKS beside the signing key, never signing: the next key before a
 *                             rotation's switch, the previous one after it (PEM blocks, public or private, concatenated)
 * @param openSignUp           anyone may sign up without an invitation (PRODUCT.md §4)
 * @param verificationTokenTtl how long an email verification link works
 * @param accountSetupTokenTtl how long the link to set a first password works
 * @param passwordResetTokenTtl how long a password-reset (or take-back) link works
 * @param passwordHashCost     bcrypt cost factor (tests lower it)
 * @param organizations        how organization aggregates are kept fast
 */
@ConfigurationProperties("roster.identity")
public record IdentityProperties(Path dataDir, String signingKeyPem, String verificationKeysPem, Duration tokenTtl, BootstrapAdmin bootstrapAdmin,
                                 @DefaultValue("false") boolean openSignUp,
                                 @DefaultValue("PT48H") Duration verificationTokenTtl,
                                 @DefaultValue("P7D") Duration accountSetupTokenTtl,
                                 @DefaultValue("PT1H") Duration passwordResetTokenTtl,
                                 @DefaultValue("12") int passwordHashCost,
                                 @DefaultValue Organizations organizations) {

    /**
     * @param snapshotThreshold a snapshot every this many events
     * @param cacheSize         organizations kept in memory between commands
     */
    public record Organizations(@DefaultValue("500") int snapshotThreshold, @DefaultValue("256") int cacheSize) {
    }

    /** The provider admin created at first start. */
    public record BootstrapAdmin(String email, String password, String firstName, String lastName) {
    }
}
