package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An invitation link's settings are now these.
 *
 * <p>Revision 2 added the membership terms as they are now ({@code membershipExpiresAt} or {@code membershipDays},
 * see {@link InvitationIssued}). Revision-1 records read with both null ({@link InvitationUpcasters}).
 */
@Revision(2)
public record InvitationLinkUpdated(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID linkId,
        String name,
        String description,
        List<String> emails,
        Instant expiresAt,
        Integer quota,
        List<String> roles,
        List<UUID> teamIds,
        Instant membershipExpiresAt,
        Integer membershipDays) implements InvitationEvent {

    /** Settings without membership terms (revision 1's shape). */
    public InvitationLinkUpdated(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID linkId,
                                 String name, String description, List<String> emails, Instant expiresAt, Integer quota,
                                 List<String> roles, List<UUID> teamIds) {
        this(eventId, occurredAt, organizationId, actorId, linkId, name, description, emails, expiresAt, quota, roles,
                teamIds, null, null);
    }

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
