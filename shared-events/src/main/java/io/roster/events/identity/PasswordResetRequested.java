package io.roster.events.identity;

import io.roster.events.EncryptedSecret;
import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A mail with a link to choose a new password is due to the account's address; the token travels sealed, for the
 * notification service only. {@code reason} says why: the owner asked, or someone tried to sign up with an address
 * held by an account that was never verified (the owner may take it back).
 */
@Revision(1)
public record PasswordResetRequested(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email,
        String firstName,
        PasswordResetReason reason,
        EncryptedSecret resetToken,
        Instant expiresAt) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
