package io.roster.invitation.invitation;

import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

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
    private static final Logger log = LoggerFactory.getLogger(InvitationLookupProjection.class);
    private static final String ISSUED_IN_BATCH = InvitationLookupProjection.class.getName() + ".issued";

    private final InvitationLookup lookup;

    InvitationLookupProjection(InvitationLookup lookup) {
        this.lookup = lookup;
    }

    /** Deferred to the end of the processor's batch, see {@link #issuedInThisBatch}. */
    @EventHandler
    void on(InvitationIssued event, UnitOfWork<?> batch) {
        issuedInThisBatch(batch).add(new InvitationLookup.NewEntry(event.invitationId(), event.organizationId(), event.email(),
                event.roles(), event.tokenHash(), event.expiresAt()));
    }

    @EventHandler
    void on(InvitationResent event, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.resent(event.invitationId(), event.tokenHash(), event.expiresAt());
    }

    @EventHandler
    void on(InvitationRevoked event, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.REVOKED);
    }

    @EventHandler
    void on(InvitationExpired event, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.EXPIRED);
    }

    @EventHandler
    void on(InvitationAccepted event, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.ACCEPTED);
    }

    /**
     * The entries of the invitations issued in this batch of events, written together when the batch commits: a
     * bulk upload's hundreds of invitations reach this processor as one batch, and cost one write instead of
     * one each. Any other event of the batch writes them first, so the lookups change in the events' order.
     */
    private List<InvitationLookup.NewEntry> issuedInThisBatch(UnitOfWork<?> batch) {
        return batch.getOrComputeResource(ISSUED_IN_BATCH, key -> {
            List<InvitationLookup.NewEntry> entries = new ArrayList<>();
            batch.onPrepareCommit(u -> writeIssued(u));
            return entries;
        });
    }

    private void writeIssued(UnitOfWork<?> batch) {
        List<InvitationLookup.NewEntry> entries = batch.getResource(ISSUED_IN_BATCH);
        if (entries == null || entries.isEmpty()) {
            return;
        }
        List<InvitationLookup.NewEntry> writing = List.copyOf(entries);
        entries.clear();
        try {
            lookup.issuedAll(writing);
        } catch (RuntimeException e) {
            // as when a handler fails (Axon's default listener error handling): the events are stored, so the
            // command is not failed; the failure is logged for an operator
            log.error("Could not record {} issued invitation(s) in the lookups, first {}", writing.size(),
                    writing.get(0).invitationId(), e);
        }
    }
}
