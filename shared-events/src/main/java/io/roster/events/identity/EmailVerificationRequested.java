package io.roster.events.identity;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.UUID;

/** A verification email is due; the token travels sealed, for the notification service only. */
@Revision(1)
public record EmailVerificationRequested(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email,
        EncryptedSecret verificationToken,
        Instant expiresAt) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
