package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user joined an organization with these roles and teams; invitationId names the invitation or link that brought them, if any.
 *
 * <p>Revision 2 added {@code expiresAt}: the instant the membership ends by itself with {@link MemberExpired}, or null
 * for a membership without an end. Revision-1 records read with it null ({@link MemberAddedUpcasters}).
 */
@Revision(2)
public record MemberAdded(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        List<String> roles,
        List<UUID> teamIds,
        JoinPath via,
        UUID invitationId,
        Instant expiresAt) implements IdentityEvent {

    /** A membership without an end date. */
    public MemberAdded(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID userId,
                       List<String> roles, List<UUID> teamIds, JoinPath via, UUID invitationId) {
        this(eventId, occurredAt, organizationId, actorId, userId, roles, teamIds, via, invitationId, null);
    }

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
