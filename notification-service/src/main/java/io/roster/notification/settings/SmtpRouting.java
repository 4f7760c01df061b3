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

    private final SmtpHostPolicy hosts;

    SmtpRouting(EmailSettingsStore settings, PlatformSmtpProperties platform, ObjectProvider<SecretBox> secrets, SmtpHostPolicy hosts) {
        this.hosts = hosts;
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
        SmtpServer server = recent.get(organizationId, id -> Optional.of(settings.find(id).map(this::toServer).orElseGet(platform::server)))
                .orElseThrow();
        if (!server.platform()) {
            // again at send time: the name may resolve elsewhere now than when the settings were saved
            hosts.refusal(server.host()).ifPresent(reason -> {
                throw new IllegalStateException("the SMTP host of organization " + organizationId + " is refused: " + reason);
            });
        }
        return server;
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
        // a sender domain the operator has not allowed is never put in From: the platform's address is, under the
        // organization's name
        boolean ownSender = hosts.senderAllowed(s.senderAddress());
        String sender = ownSender ? s.senderAddress() : platform.server().senderAddress();
        String name = s.senderName() != null && !s.senderName().isBlank() ? s.senderName()
                : ownSender ? s.senderAddress() : platform.server().senderName();
        return new SmtpServer(s.host(), s.port(), s.tlsMode(), s.username(), password, sender, name, false);
    }
}
