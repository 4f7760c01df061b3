package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A user account exists. Never carries a password or its hash. */
@Revision(1)
public record UserRegistered(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email,
        String firstName,
        String lastName,
        RegistrationSource source,
        boolean emailVerified) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
