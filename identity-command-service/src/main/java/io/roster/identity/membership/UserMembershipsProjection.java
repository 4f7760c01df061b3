package io.roster.identity.membership;

import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.kit.command.Commands;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps {@link UserMemberships} in step with the organizations' events, as a {@linkplain RepairedLookup repaired
 * lookup}. Live, it runs in the command's own unit of work, right after the events are appended, and writes right
 * after the command released the organization (so the write does not lengthen the queue of commands on that
 * organization), before the request is answered: when a command answers, the lookup already reflects it. Each
 * replica applies its own commands' events that way. The repair instance ({@value #REPAIR_GROUP}) applies every
 * stored event again from the event store, so a membership whose lookup write a crash left out (a member the
 * lookup does not know of would survive the deletion of their account; a removed one would still count against the
 * single-organization rule) is right after the restart. The writes are idempotent and order-safe (see
 * {@link UserMemberships}), so both give the same result, the repair a moment later.
 */
class UserMembershipsProjection {

    static final String PROCESSING_GROUP = "user-memberships-v1";
    static final String REPAIR_GROUP = "user-memberships-repair-v1";

    /** One instance, so that a command's changes reach it together (one bulk write); the repair's write at once. */
    private final Commands.LookupWriter<UserMemberships.Change> write;

    UserMembershipsProjection(UserMemberships memberships) {
        this.write = memberships::write;
    }

    /** Outside a command (the repair), {@link Commands#afterCommand} writes at once. */
    @EventHandler
    void on(MemberAdded event, @SequenceNumber long sequence) {
        Commands.afterCommand(write, UserMemberships.Change.joined(event.userId(), event.organizationId(), sequence));
    }

    @EventHandler
    void on(MemberRemoved event, @SequenceNumber long sequence) {
        Commands.afterCommand(write, UserMemberships.Change.left(event.userId(), event.organizationId(), sequence, event.occurredAt()));
    }

    /** An expired membership ended as a removed one did. */
    @EventHandler
    void on(MemberExpired event, @SequenceNumber long sequence) {
        Commands.afterCommand(write, UserMemberships.Change.left(event.userId(), event.organizationId(), sequence, event.occurredAt()));
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule userMembershipsProcessors(UserMemberships memberships) {
            return RepairedLookup.processors(PROCESSING_GROUP, new UserMembershipsProjection(memberships),
                    REPAIR_GROUP, new UserMembershipsProjection(memberships));
        }
    }
}
