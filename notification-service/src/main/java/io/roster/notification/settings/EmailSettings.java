package io.roster.notification.settings;

import io.roster.events.EncryptedSecret;
import io.roster.notification.smtp.TlsMode;

import java.time.Instant;
import java.util.UUID;

/** An organization's own SMTP server and sender, its password sealed with the service's key. */
public record EmailSettings(UUID organizationId, String host, int port, TlsMode tlsMode, String username,
                            EncryptedSecret password, String senderAddress, String senderName,
                            Instant updatedAt, UUID updatedBy) {
}
