package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A member's end date is now {@code expiresAt} (null: the membership no longer ends by itself); {@code previous} is the
 * end date it replaced (null: it had none).
 */
@Revision(1)
public record MembershipExpiryChanged(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        Instant expiresAt,
        Instant previous) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
