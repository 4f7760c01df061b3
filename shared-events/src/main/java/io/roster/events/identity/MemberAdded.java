package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user joined an organization with these roles and teams; invitationId names the invitation or link that brought them, if any. */
@Revision(1)
public record MemberAdded(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        List<String> roles,
        List<UUID> teamIds,
        JoinPath via,
        UUID invitationId) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
