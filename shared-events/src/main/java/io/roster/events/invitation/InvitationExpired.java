package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An invitation passed its expiry unused. */
@Revision(1)
public record InvitationExpired(
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
