package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Someone joined through a link; used counts the joins so far, including this one.
 *
 * <p>Revision 2 added {@code membershipExpiresAt}: when the new membership ends, or null for never, computed once at
 * the join ({@code occurredAt}) from the link's terms (see {@link InvitationAccepted}). Revision-1 records read with
 * it null ({@link InvitationUpcasters}).
 */
@Revision(2)
public record InvitationLinkUsed(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID linkId,
        UUID userId,
        String email,
        List<String> roles,
        List<UUID> teamIds,
        int used,
        Instant membershipExpiresAt) implements InvitationEvent {

    /** A membership without end (revision 1's shape). */
    public InvitationLinkUsed(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID linkId,
                              UUID userId, String email, List<String> roles, List<UUID> teamIds, int used) {
        this(eventId, occurredAt, organizationId, actorId, linkId, userId, email, roles, teamIds, used, null);
    }

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
