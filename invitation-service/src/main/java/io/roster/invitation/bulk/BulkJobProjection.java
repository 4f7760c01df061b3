package io.roster.invitation.bulk;

import io.roster.events.invitation.BulkInvitationCompleted;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Marks a job completed in {@link BulkJobs}, as a {@linkplain RepairedLookup repaired lookup}: in the completing
 * command's unit of work, so the job's status is final when the upload answers, and again from the event store
 * ({@value #REPAIR_GROUP}), so a job whose completion was stored but not recorded (a crash in between) does not stay
 * {@code running}. Recording a completion twice writes the same facts twice.
 */
class BulkJobProjection {

    static final String GROUP = "bulk-invitation-jobs-v1";
    static final String REPAIR_GROUP = "bulk-invitation-jobs-repair-v1";

    private final BulkJobs jobs;

    BulkJobProjection(BulkJobs jobs) {
        this.jobs = jobs;
    }

    @EventHandler
    void on(BulkInvitationCompleted event) {
        jobs.completed(event.jobId(), event.organizationId(), event.actorId(), event.total(), event.invited(), event.failed(),
                event.occurredAt());
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule bulkJobProcessors(BulkJobs jobs) {
            return RepairedLookup.processors(GROUP, new BulkJobProjection(jobs), REPAIR_GROUP, new BulkJobProjection(jobs));
        }
    }
}
