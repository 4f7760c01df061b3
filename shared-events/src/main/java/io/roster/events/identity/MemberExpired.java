package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A membership reached its end date {@code expiresAt} and ended by itself: the member is removed exactly as by
 * {@link MemberRemoved} (the account stays). Nobody asked for it, so {@code actorId} is null.
 */
@Revision(1)
public record MemberExpired(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        Instant expiresAt) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return organizationId;
    }
}
