package io.roster.invitation.bulk;

import io.roster.events.invitation.BulkInvitationCompleted;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * Marks a job completed in {@link BulkJobs}. A subscribing processor (registered below, like the invitation
 * lookups): it runs in the completing command's unit of work, so the job's status is final when the upload
 * answers.
 */
@Component
@ProcessingGroup(BulkJobProjection.GROUP)
class BulkJobProjection {

    static final String GROUP = "bulk-invitation-jobs-v1";

    private final BulkJobs jobs;

    BulkJobProjection(BulkJobs jobs) {
        this.jobs = jobs;
    }

    @EventHandler
    void on(BulkInvitationCompleted event) {
        jobs.completed(event.jobId(), event.organizationId(), event.actorId(), event.total(), event.invited(), event.failed(),
                event.occurredAt());
    }

    @Configuration
    static class Processing {

        @Bean
        ConfigurerModule bulkJobsSubscribingProcessor() {
            return configurer -> configurer.eventProcessing(processing -> processing.registerSubscribingEventProcessor(GROUP));
        }
    }
}
