package io.roster.notification.settings;

import io.roster.notification.smtp.TlsMode;

import java.time.Instant;
import java.util.UUID;

/** An organization's SMTP settings as the API shows them: never the password, only whether one is set. */
record EmailSettingsView(UUID organizationId, String host, int port, TlsMode tlsMode, String username,
                         boolean passwordSet, String senderAddress, String senderName, Instant updatedAt) {

    static EmailSettingsView of(EmailSettings s) {
        return new EmailSettingsView(s.organizationId(), s.host(), s.port(), s.tlsMode(), s.username(), s.password() != null,
                s.senderAddress(), s.senderName(), s.updatedAt());
    }
}
