package io.roster.events.invitation;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A reusable invitation link exists. emails: empty = public, *@domain = that domain, else those addresses.
 *
 * <p>Revision 2 added the membership terms of those who join through it ({@code membershipExpiresAt} or
 * {@code membershipDays}, see {@link InvitationIssued}). Revision-1 records read with both null
 * ({@link InvitationUpcasters}).
 */
@Revision(2)
public record InvitationLinkCreated(
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
        String tokenHash,
        EncryptedSecret token,
        Instant membershipExpiresAt,
        Integer membershipDays) implements InvitationEvent {

    /** A link whose members' memberships have no end (revision 1's shape). */
    public InvitationLinkCreated(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID linkId,
                                 String name, String description, List<String> emails, Instant expiresAt, Integer quota,
                                 List<String> roles, List<UUID> teamIds, String tokenHash, EncryptedSecret token) {
        this(eventId, occurredAt, organizationId, actorId, linkId, name, description, emails, expiresAt, quota, roles,
                teamIds, tokenHash, token, null, null);
    }

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
