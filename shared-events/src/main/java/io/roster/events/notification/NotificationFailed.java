package io.roster.events.notification;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An email could not be delivered after its last attempt (or a permanent failure). */
@Revision(1)
public record NotificationFailed(
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
        String error) implements NotificationEvent {

    @Override
    public UUID aggregateId() {
        return notificationId;
    }
}
