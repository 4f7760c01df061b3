package io.roster.identity.membership;

import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.kit.command.Commands;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link UserMemberships} in step with the organizations' events. Its processing group is subscribing
 * (application.yml): it runs in the command's own unit of work, right after the events are appended, and
 * writes right after the command released the organization (so the write does not lengthen the queue of
 * commands on that organization), before the request is answered: when a command answers, the lookup
 * already reflects it. A process only sees its own commands' events that way; with several identity
 * replicas, set the group's mode to {@code tracking} (the writes are idempotent and order-safe, so both
 * modes give the same result, the tracking one a moment later).
 */
@Component
@ProcessingGroup(UserMembershipsProjection.PROCESSING_GROUP)
class UserMembershipsProjection {

    static final String PROCESSING_GROUP = "user-memberships-v1";

    private final UserMemberships memberships;

    UserMembershipsProjection(UserMemberships memberships) {
        this.memberships = memberships;
    }

    @EventHandler
    void on(MemberAdded event, @SequenceNumber long sequence) {
        Commands.afterCommand(() -> memberships.joined(event.userId(), event.organizationId(), sequence));
    }

    @EventHandler
    void on(MemberRemoved event, @SequenceNumber long sequence) {
        Commands.afterCommand(() -> memberships.left(event.userId(), event.organizationId(), sequence));
    }
}
