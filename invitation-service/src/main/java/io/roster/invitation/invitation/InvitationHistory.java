package io.roster.invitation.invitation;

import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * What the event store says of one invitation, for the rare question the lookup cannot be trusted to answer: a
 * crash may have left an invitation's events stored without its lookup entry until the repair processor catches
 * up. Reads the invitation's few events; used only for claims that look abandoned.
 */
@Component
class InvitationHistory {

    private final EventStore events;

    /** Lazy: the lookup's processors (built with the Axon configuration that makes the event store) need this first. */
    InvitationHistory(@Lazy EventStore events) {
        this.events = events;
    }

    /** Whether the invitation is stored and its last issue or resend was not followed by an end. */
    boolean isPending(UUID invitationId) {
        // from sequence 0: the events themselves, never a snapshot
        DomainEventStream stream = events.readEvents(invitationId.toString(), 0);
        boolean pending = false;
        while (stream.hasNext()) {
            Object event = stream.next().getPayload();
            if (event instanceof InvitationIssued || event instanceof InvitationResent) {
                pending = true;
            } else if (event instanceof InvitationRevoked || event instanceof InvitationExpired || event instanceof InvitationAccepted
                    || event instanceof InvitationDeclined) {
                pending = false;
            }
        }
        return pending;
    }
}
