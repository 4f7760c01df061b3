package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An invitee accepted; the identity service adds the membership with these roles and teams.
 *
 * <p>Revision 2 added {@code membershipExpiresAt}: when the new membership ends, or null for never. It was computed
 * once, at the join ({@code occurredAt}), from the invitation's terms: their end date, or the join plus their number
 * of days. Revision-1 records read with it null ({@link InvitationUpcasters}).
 */
@Revision(2)
public record InvitationAccepted(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        UUID userId,
        String email,
        List<String> roles,
        List<UUID> teamIds,
        Instant membershipExpiresAt) implements InvitationEvent {

    /** A membership without end (revision 1's shape). */
    public InvitationAccepted(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID invitationId,
                              UUID userId, String email, List<String> roles, List<UUID> teamIds) {
        this(eventId, occurredAt, organizationId, actorId, invitationId, userId, email, roles, teamIds, null);
    }

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
