package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A membership ended (the account stays); batchId groups the removals of one bulk call. */
@Revision(1)
public record MemberRemoved(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        UUID removedBy,
        RemovalReason reason,
        UUID batchId) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
