package io.roster.events.identity;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.UUID;

/** A user created without a password must set one; organizationId names the organization that created them, if any. */
@Revision(1)
public record AccountSetupRequested(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email,
        String firstName,
        EncryptedSecret setupToken,
        Instant expiresAt) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
