package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A team is gone; its members lose it by their own MemberTeamsChanged events. */
@Revision(1)
public record TeamDeleted(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID teamId) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
