package io.roster.invitation.bulk;

import io.roster.events.invitation.BulkInvitationCompleted;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One bulk CSV upload. Its rows became ordinary personal invitations (each an {@code Invitation} whose
 * InvitationIssued carries this job's id); the job itself records the outcome once, so auditors and other
 * services learn what the file held and which lines were skipped and why. A job completes once: the command
 * creates it, and a second completion of the same id fails on the event stream's first sequence number.
 */
@Aggregate
class BulkInvitationJob {

    @AggregateIdentifier
    private UUID jobId;

    BulkInvitationJob() {
        // for Axon
    }

    @CommandHandler
    BulkInvitationJob(CompleteBulkInvitationCommand command, Clock clock) {
        if (command.total() < 0 || command.invited() < 0 || command.invited() + command.failed().size() != command.total()) {
            throw new IllegalArgumentException("A bulk job's invited and failed rows must add up to its total.");
        }
        apply(new BulkInvitationCompleted(UUID.randomUUID(), clock.instant(), command.organizationId(), command.actorId(),
                command.jobId(), command.total(), command.invited(), List.copyOf(command.failed())));
    }

    @EventSourcingHandler
    void on(BulkInvitationCompleted event) {
        jobId = event.jobId();
    }
}
