package io.roster.events.notification;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An email was delivered to the SMTP server for a triggering event. */
@Revision(1)
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
        int attempts) implements NotificationEvent {

    @Override
    public UUID aggregateId() {
        return notificationId;
    }
}
