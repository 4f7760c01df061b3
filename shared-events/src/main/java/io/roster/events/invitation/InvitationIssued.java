package io.roster.events.invitation;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A personal invitation was issued. tokenHash is the SHA-256 (hex) used for lookup; the raw token is only sealed.
 *
 * <p>Revision 2 added the membership terms the invitee joins with: {@code membershipExpiresAt} (the membership ends
 * then) or {@code membershipDays} (it ends that many days after the join), at most one of them; both null = a
 * membership without end. Revision-1 records read with both null ({@link InvitationUpcasters}).
 */
@Revision(2)
public record InvitationIssued(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email,
        String firstName,
        String lastName,
        List<String> roles,
        List<UUID> teamIds,
        Instant expiresAt,
        String tokenHash,
        EncryptedSecret token,
        UUID bulkJobId,
        Instant membershipExpiresAt,
        Integer membershipDays) implements InvitationEvent {

    /** An invitation whose membership has no end (revision 1's shape). */
    public InvitationIssued(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID invitationId,
                            String email, String firstName, String lastName, List<String> roles, List<UUID> teamIds,
                            Instant expiresAt, String tokenHash, EncryptedSecret token, UUID bulkJobId) {
        this(eventId, occurredAt, organizationId, actorId, invitationId, email, firstName, lastName, roles, teamIds,
                expiresAt, tokenHash, token, bulkJobId, null, null);
    }

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
