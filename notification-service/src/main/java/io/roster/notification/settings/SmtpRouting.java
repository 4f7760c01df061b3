package io.roster.notification.settings;

import io.roster.kit.secrets.SecretBox;
import io.roster.notification.config.RequiredSecrets;
import io.roster.notification.directory.RecentlyRead;
import io.roster.notification.smtp.PlatformSmtpProperties;
import io.roster.notification.smtp.SmtpServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The SMTP server an organization's emails go through: its own when it has settings, the platform's otherwise. */
@Component
public class SmtpRouting {

    private final EmailSettingsStore settings;
    private final PlatformSmtpProperties platform;
    private final SecretBox secrets;
    private static final Duration TTL = Duration.ofSeconds(2);
    private final RecentlyRead<UUID, SmtpServer> recent = new RecentlyRead<>(TTL);

    SmtpRouting(EmailSettingsStore settings, PlatformSmtpProperties platform, ObjectProvider<SecretBox> secrets) {
        this.settings = settings;
        this.platform = platform;
        this.secrets = RequiredSecrets.of(secrets);
        platform.server();
    }

    /**
     * Read at most every {@link #TTL} per organization: a change made through this instance applies at
     * once, one made through another instance within that time.
     *
     * @throws IllegalStateException when the organization's stored password cannot be opened (the key changed)
     */
    public SmtpServer serverFor(UUID organizationId) {
        if (organizationId == null) {
            return platform.server();
        }
        return recent.get(organizationId, id -> Optional.of(settings.find(id).map(this::toServer).orElseGet(platform::server)))
                .orElseThrow();
    }

    /** The organization's settings changed here. */
    void forget(UUID organizationId) {
        recent.forget(organizationId);
    }

    SmtpServer toServer(EmailSettings s) {
        String password;
        try {
            password = s.password() == null ? null : secrets.open(s.password());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the SMTP password of organization " + s.organizationId()
                    + " cannot be opened (" + e.getMessage() + "); set it again", e);
        }
        return new SmtpServer(s.host(), s.port(), s.tlsMode(), s.username(), password, s.senderAddress(),
                s.senderName() == null || s.senderName().isBlank() ? s.senderAddress() : s.senderName());
    }
}
