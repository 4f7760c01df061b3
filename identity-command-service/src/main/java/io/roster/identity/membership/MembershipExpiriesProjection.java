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

import java.time.Instant;
import java.util.UUID;

/**
 * Keeps the due list {@link MembershipExpiries} in step with the organizations' events, as a
 * {@linkplain RepairedLookup repaired lookup} (as {@link UserMembershipsProjection} does): live in the command's unit of
 * work, and again from the event store by {@value #REPAIR_GROUP}, so an end date whose write a crash left out is still
 * honoured after the restart.
 */
class MembershipExpiriesProjection {

    static final String PROCESSING_GROUP = "membership-expiries-v1";
    static final String REPAIR_GROUP = "membership-expiries-repair-v1";

    /** One instance, so that a command's (or a repair batch's) entries reach it together. */
    private final Commands.LookupWriter<MembershipExpiries.Entry> writeEntries;

    /** @param repair whether this is the repair's instance, which finds most events recorded already */
    MembershipExpiriesProjection(MembershipExpiries expiries, boolean repair) {
        this.writeEntries = repair ? expiries::recordIfNewer : expiries::record;
    }

    @EventHandler
    void on(MemberAdded event, @SequenceNumber long sequence) {
        record(event.organizationId(), event.userId(), event.expiresAt(), sequence);
    }

    @EventHandler
    void on(MembershipExpiryChanged event, @SequenceNumber long sequence) {
        record(event.organizationId(), event.userId(), event.expiresAt(), sequence);
    }

    @EventHandler
    void on(MemberRemoved event, @SequenceNumber long sequence) {
        record(event.organizationId(), event.userId(), null, sequence);
    }

    @EventHandler
    void on(MemberExpired event, @SequenceNumber long sequence) {
        record(event.organizationId(), event.userId(), null, sequence);
    }

    /** Live: after the command, with its other entries in one bulk write. The repair: with its batch's, likewise. */
    private void record(UUID organizationId, UUID userId, Instant expiresAt, long sequence) {
        Commands.afterCommand(writeEntries, new MembershipExpiries.Entry(organizationId, userId, expiresAt, sequence));
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule membershipExpiriesProcessors(MembershipExpiries expiries) {
            return RepairedLookup.processors(PROCESSING_GROUP, new MembershipExpiriesProjection(expiries, false),
                    REPAIR_GROUP, new MembershipExpiriesProjection(expiries, true));
        }
    }
}
