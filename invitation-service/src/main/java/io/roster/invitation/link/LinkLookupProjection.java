package io.roster.invitation.link;

import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/** Keeps {@link LinkLookup} in step with the links, in the commanding thread (a subscribing processor). */
@Component
@ProcessingGroup(LinkLookupProjection.GROUP)
class LinkLookupProjection {

    static final String GROUP = "link-lookup-v1";

    private final LinkLookup lookup;

    LinkLookupProjection(LinkLookup lookup) {
        this.lookup = lookup;
    }

    @EventHandler
    void on(InvitationLinkCreated event) {
        lookup.created(event.linkId(), event.organizationId(), event.roles(), event.emails(), event.expiresAt(), event.quota(),
                event.tokenHash(), event.token());
    }

    @EventHandler
    void on(InvitationLinkUpdated event) {
        lookup.updated(event.linkId(), event.roles(), event.emails(), event.expiresAt(), event.quota());
    }

    @EventHandler
    void on(InvitationLinkEnabled event) {
        lookup.enabled(event.linkId(), true);
    }

    @EventHandler
    void on(InvitationLinkDisabled event) {
        lookup.enabled(event.linkId(), false);
    }

    @EventHandler
    void on(InvitationLinkUsed event) {
        lookup.used(event.linkId(), event.used());
    }
}
