package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An admin withdrew an invitation. */
@Revision(1)
public record InvitationRevoked(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
