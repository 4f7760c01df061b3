package io.roster.invitation.link;

import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.MembershipTerms;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps {@link LinkLookup} in step with the links, as a {@linkplain RepairedLookup repaired lookup}: in the
 * commanding thread (so a link works as soon as its creation answers), and again from the event store
 * ({@value #REPAIR_GROUP}), so a link whose lookup write a crash left out still works after the restart.
 */
class LinkLookupProjection {

    static final String GROUP = "link-lookup-v1";
    static final String REPAIR_GROUP = "link-lookup-repair-v1";

    private final LinkLookup lookup;

    LinkLookupProjection(LinkLookup lookup) {
        this.lookup = lookup;
    }

    @EventHandler
    void on(InvitationLinkCreated event, @SequenceNumber long sequence) {
        lookup.created(event.linkId(), event.organizationId(), event.roles(), event.emails(), event.expiresAt(), event.quota(),
                event.tokenHash(), event.token(), new MembershipTerms(event.membershipExpiresAt(), event.membershipDays()), sequence);
    }

    @EventHandler
    void on(InvitationLinkUpdated event, @SequenceNumber long sequence) {
        lookup.updated(event.linkId(), event.roles(), event.emails(), event.expiresAt(), event.quota(),
                new MembershipTerms(event.membershipExpiresAt(), event.membershipDays()), sequence);
    }

    @EventHandler
    void on(InvitationLinkEnabled event, @SequenceNumber long sequence) {
        lookup.enabled(event.linkId(), true, sequence);
    }

    @EventHandler
    void on(InvitationLinkDisabled event, @SequenceNumber long sequence) {
        lookup.enabled(event.linkId(), false, sequence);
    }

    @EventHandler
    void on(InvitationLinkUsed event) {
        lookup.used(event.linkId(), event.used());
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule linkLookupProcessors(LinkLookup lookup) {
            return RepairedLookup.processors(GROUP, new LinkLookupProjection(lookup), REPAIR_GROUP, new LinkLookupProjection(lookup));
        }
    }
}
