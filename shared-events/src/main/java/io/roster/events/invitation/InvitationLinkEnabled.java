package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An invitation link accepts joins again. */
@Revision(1)
public record InvitationLinkEnabled(
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
