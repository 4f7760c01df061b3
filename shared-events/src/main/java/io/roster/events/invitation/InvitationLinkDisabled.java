package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An invitation link refuses joins until enabled. */
@Revision(1)
public record InvitationLinkDisabled(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID linkId) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
