package io.roster.invitation.bulk;

import io.roster.events.invitation.FailedRow;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/** Record the end of a bulk CSV job: its rows, how many were invited, and the rows that were not (in line order). */
record CompleteBulkInvitationCommand(@TargetAggregateIdentifier UUID jobId, UUID organizationId, UUID actorId,
                                     int total, int invited, List<FailedRow> failed) {
}
