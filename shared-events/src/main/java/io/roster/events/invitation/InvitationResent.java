package io.roster.events.invitation;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.UUID;

/** An invitation was sent again with a new token (the old one stops working) and a new expiry. */
@Revision(1)
public record InvitationResent(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email,
        Instant expiresAt,
        String tokenHash,
        EncryptedSecret token,
        int resendCount) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
