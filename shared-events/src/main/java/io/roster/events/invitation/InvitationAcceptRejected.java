package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An accept was refused (code says why) and consumed nothing; exactly one of invitationId and linkId is set. */
@Revision(1)
public record InvitationAcceptRejected(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        UUID linkId,
        UUID userId,
        String email,
        String code) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId != null ? invitationId : linkId;
    }
}
