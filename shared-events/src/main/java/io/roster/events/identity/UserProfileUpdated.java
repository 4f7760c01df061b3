package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A user's name changed. */
@Revision(1)
public record UserProfileUpdated(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String firstName,
        String lastName) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
