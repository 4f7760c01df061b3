package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An admin edited a pending invitation: its roles, teams and expiry as they are now (all three, changed or not). The
 * invitee's link keeps working; accepting grants these roles and teams.
 *
 * <p>Revision 2 added the membership terms as they are now, changed or not ({@code membershipExpiresAt} or
 * {@code membershipDays}, see {@link InvitationIssued}). Revision-1 records read with both null
 * ({@link InvitationUpcasters}): before revision 2 no invitation had terms.
 */
@Revision(2)
public record InvitationUpdated(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email,
        List<String> roles,
        List<UUID> teamIds,
        Instant expiresAt,
        Instant membershipExpiresAt,
        Integer membershipDays) implements InvitationEvent {

    /** An edit of an invitation whose membership has no end (revision 1's shape). */
    public InvitationUpdated(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID invitationId,
                             String email, List<String> roles, List<UUID> teamIds, Instant expiresAt) {
        this(eventId, occurredAt, organizationId, actorId, invitationId, email, roles, teamIds, expiresAt, null, null);
    }

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
