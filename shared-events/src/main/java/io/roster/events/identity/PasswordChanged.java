package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * The user's password was set or replaced (PRODUCT.md §5; no password, no hash). Every session that began
 * before {@code occurredAt} has ended: a service refuses an access token issued before this instant.
 */
@Revision(1)
public record PasswordChanged(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        PasswordChangeMethod method) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
