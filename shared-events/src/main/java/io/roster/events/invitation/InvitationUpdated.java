package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An admin edited a pending invitation: its roles, teams and expiry as they are now (all three, changed or not). The
 * invitee's link keeps working; accepting grants these roles and teams.
 */
@Revision(1)
public record InvitationUpdated(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email,
        List<String> roles,
        List<UUID> teamIds,
        Instant expiresAt) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
