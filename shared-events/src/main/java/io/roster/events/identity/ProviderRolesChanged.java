package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user's provider (platform) roles are now exactly these. */
@Revision(1)
public record ProviderRolesChanged(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        List<String> providerRoles) implements IdentityEvent {

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
