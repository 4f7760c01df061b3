package io.roster.events.notification;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * An email was delivered to the SMTP server for a triggering event.
 *
 * <p>Revision 2 added {@code viaPlatform}: true when the platform's own SMTP server took the email, false when an
 * organization's own server did. Only the platform's mail proves that the recipient owns the address (PRODUCT.md
 * §3a): whoever runs an organization's server can read what goes through it. Revision-1 records did not say, and
 * read as false: not known to be the platform's ({@link NotificationSentUpcasters}).
 */
@Revision(2)
public record NotificationSent(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID notificationId,
        UUID triggeringEventId,
        NotificationKind kind,
        String recipient,
        UUID invitationId,
        int attempts,
        boolean viaPlatform) implements NotificationEvent {

    @Override
    public UUID aggregateId() {
        return notificationId;
    }
}
