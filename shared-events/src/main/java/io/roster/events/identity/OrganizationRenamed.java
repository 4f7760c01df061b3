package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An organization has a new name. */
@Revision(1)
public record OrganizationRenamed(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        String name) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
