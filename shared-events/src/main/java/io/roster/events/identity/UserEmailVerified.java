package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A user proved they own their address, by a verification link or by accepting an invitation sent to it. */
@Revision(1)
public record UserEmailVerified(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email,
        VerificationMethod method) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
