package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A member's organization roles are now exactly these. */
@Revision(1)
public record MemberRolesChanged(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        List<String> roles) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
