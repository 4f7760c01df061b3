package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An invitee accepted; the identity service adds the membership with these roles and teams. */
@Revision(1)
public record InvitationAccepted(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        UUID userId,
        String email,
        List<String> roles,
        List<UUID> teamIds) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
