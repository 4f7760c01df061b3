package io.roster.events.invitation;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A personal invitation was issued. tokenHash is the SHA-256 (hex) used for lookup; the raw token is only sealed. */
@Revision(1)
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
        UUID bulkJobId) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
