package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A team's name or description changed. */
@Revision(1)
public record TeamRenamed(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID teamId,
        String name,
        String description) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
