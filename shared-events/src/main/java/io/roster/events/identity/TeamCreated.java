package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A team exists in an organization. */
@Revision(1)
public record TeamCreated(
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
