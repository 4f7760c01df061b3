package io.roster.identity.membership;

import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.kit.command.Commands;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the due list {@link MembershipExpiries} in step with the organizations' events, as a
 * {@linkplain RepairedLookup repaired lookup} (as {@link UserMembershipsProjection} does): live in the command's unit of
 * work, and again from the event store by {@value #REPAIR_GROUP}, so an end date whose write a crash left out is still
 * honoured after the restart.
 */
class MembershipExpiriesProjection {

    static final String PROCESSING_GROUP = "membership-expiries-v1";
    static final String REPAIR_GROUP = "membership-expiries-repair-v1";

    private final MembershipExpiries expiries;

    MembershipExpiriesProjection(MembershipExpiries expiries) {
        this.expiries = expiries;
    }

    @EventHandler
    void on(MemberAdded event, @SequenceNumber long sequence) {
        Commands.afterCommand(() -> expiries.record(event.organizationId(), event.userId(), event.expiresAt(), sequence));
    }

    @EventHandler
    void on(MembershipExpiryChanged event, @SequenceNumber long sequence) {
        Commands.afterCommand(() -> expiries.record(event.organizationId(), event.userId(), event.expiresAt(), sequence));
    }

    @EventHandler
    void on(MemberRemoved event, @SequenceNumber long sequence) {
        Commands.afterCommand(() -> expiries.record(event.organizationId(), event.userId(), null, sequence));
    }

    @EventHandler
    void on(MemberExpired event, @SequenceNumber long sequence) {
        Commands.afterCommand(() -> expiries.record(event.organizationId(), event.userId(), null, sequence));
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule membershipExpiriesProcessors(MembershipExpiries expiries) {
            return RepairedLookup.processors(PROCESSING_GROUP, new MembershipExpiriesProjection(expiries),
                    REPAIR_GROUP, new MembershipExpiriesProjection(expiries));
        }
    }
}
