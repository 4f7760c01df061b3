package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A member's teams are now exactly these. */
@Revision(1)
public record MemberTeamsChanged(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        List<UUID> teamIds) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
