package io.roster.invitation.invitation;

import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link InvitationLookup} in step with the invitations. A subscribing processor: it runs in the
 * command's unit of work right after the events are appended, so the next request (an accept right after
 * the issue, a re-invite right after a revoke) sees them. Each instance applies its own commands' events
 * to the shared collections, which therefore reflect every instance's.
 */
@Component
@ProcessingGroup(InvitationLookupProjection.GROUP)
class InvitationLookupProjection {

    static final String GROUP = "invitation-lookup-v1";

    private final InvitationLookup lookup;

    InvitationLookupProjection(InvitationLookup lookup) {
        this.lookup = lookup;
    }

    @EventHandler
    void on(InvitationIssued event) {
        lookup.issued(event.invitationId(), event.organizationId(), event.email(), event.roles(), event.tokenHash(), event.expiresAt());
    }

    @EventHandler
    void on(InvitationResent event) {
        lookup.resent(event.invitationId(), event.tokenHash(), event.expiresAt());
    }

    @EventHandler
    void on(InvitationRevoked event) {
        lookup.ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.REVOKED);
    }

    @EventHandler
    void on(InvitationExpired event) {
        lookup.ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.EXPIRED);
    }

    @EventHandler
    void on(InvitationAccepted event) {
        lookup.ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.ACCEPTED);
    }
}
