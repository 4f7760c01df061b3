package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An organization exists; its creator becomes its first admin by a MemberAdded. */
@Revision(1)
public record OrganizationCreated(
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
