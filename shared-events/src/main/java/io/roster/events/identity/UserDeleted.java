package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A user account was deleted; its memberships are removed by their own MemberRemoved events. */
@Revision(1)
public record UserDeleted(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
