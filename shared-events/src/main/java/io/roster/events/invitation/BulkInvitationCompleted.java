package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A bulk CSV job ended: invited rows became InvitationIssued events, failed rows are listed. */
@Revision(1)
public record BulkInvitationCompleted(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID jobId,
        int total,
        int invited,
        List<FailedRow> failed) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return jobId;
    }
}
