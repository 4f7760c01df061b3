package io.roster.invitation.invitation;

import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.invitation.MembershipTerms;
import io.roster.invitation.settings.ReminderSettings;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps {@link InvitationLookup} and {@link AddressClaims} in step with the invitations, as a
 * {@linkplain RepairedLookup repaired lookup}: one instance runs in each command's unit of work right after its
 * events are appended, so the next request (an accept right after the issue, a re-invite right after a revoke) sees
 * them; a second instance applies every stored event again from the event store ({@value #REPAIR_GROUP}), so that
 * an invitation whose lookup write a crash left out still gets its entry, and an ended one still frees its address.
 * Each instance of the service applies its own commands' events live; the repair runs on one instance at a time.
 */
class InvitationLookupProjection {

    static final String GROUP = "invitation-lookup-v1";
    static final String REPAIR_GROUP = "invitation-lookup-repair-v1";
    private static final Logger log = LoggerFactory.getLogger(InvitationLookupProjection.class);
    private static final String ISSUED_IN_BATCH = InvitationLookupProjection.class.getName() + ".issued";

    private final InvitationLookup lookup;
    private final AddressClaims claims;
    private final ReminderSettings reminders;
    private final boolean repairing;

    /**
     * @param repairing whether this instance is the repair's: a failed write then fails the batch, which the
     *                  tracking processor retries; live, the events are stored whatever the write does, so a failure
     *                  is logged and left to the repair
     */
    InvitationLookupProjection(InvitationLookup lookup, AddressClaims claims, ReminderSettings reminders, boolean repairing) {
        this.lookup = lookup;
        this.claims = claims;
        this.reminders = reminders;
        this.repairing = repairing;
    }

    /** Deferred to the end of the processor's batch, see {@link #issuedInThisBatch}. */
    @EventHandler
    void on(InvitationIssued event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        issuedInThisBatch(batch).add(new InvitationLookup.NewEntry(event.invitationId(), event.organizationId(), event.email(),
                event.firstName(), event.lastName(), event.roles(), event.tokenHash(), event.expiresAt(), event.occurredAt(), sequence,
                new MembershipTerms(event.membershipExpiresAt(), event.membershipDays())));
    }

    @EventHandler
    void on(InvitationResent event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        writeIssued(batch);
        Integer hours = reminders.hoursOf(event.organizationId()).orElse(null);
        lookup.resent(event.invitationId(), event.tokenHash(), event.expiresAt(), event.occurredAt(),
                ReminderDue.atOrNull(event.occurredAt(), event.expiresAt(), hours), sequence);
    }

    @EventHandler
    void on(InvitationReminderSent event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.reminded(event.invitationId(), sequence);
    }

    @EventHandler
    void on(InvitationRevoked event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.REVOKED, sequence, event.occurredAt(), batch);
    }

    @EventHandler
    void on(InvitationUpdated event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.updated(event.invitationId(), event.roles(), event.expiresAt(),
                new MembershipTerms(event.membershipExpiresAt(), event.membershipDays()), sequence);
        // a moved expiry moves the reminder
        lookup.rescheduleReminder(event.invitationId(), reminders.hoursOf(event.organizationId()).orElse(null));
    }

    @EventHandler
    void on(InvitationDeclined event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.DECLINED, sequence, event.occurredAt(), batch);
    }

    @EventHandler
    void on(InvitationExpired event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.EXPIRED, sequence, event.occurredAt(), batch);
    }

    @EventHandler
    void on(InvitationAccepted event, @SequenceNumber long sequence, UnitOfWork<?> batch) {
        ended(event.invitationId(), event.organizationId(), event.email(), InvitationStatus.ACCEPTED, sequence, event.occurredAt(), batch);
    }

    private void ended(UUID invitationId, UUID organizationId, String email, InvitationStatus status, long sequence,
                       Instant endedAt, UnitOfWork<?> batch) {
        writeIssued(batch);
        lookup.ended(invitationId, status, sequence);
        claims.releaseEndedBy(organizationId, email, invitationId, endedAt);
    }

    /**
     * The entries of the invitations issued in this batch of events, written together when the batch commits: a
     * bulk upload's hundreds of invitations reach this processor as one batch (and the repair reads a hundred events
     * at a time), and cost one write instead of one each. Any other event of the batch writes them first, so the
     * lookups change in the events' order.
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
            // one settings read for the batch's organizations (a bulk upload's hundreds share one)
            Map<UUID, Integer> hours = reminders.hoursOf(writing.stream().map(InvitationLookup.NewEntry::organizationId).distinct().toList());
            lookup.issuedAll(writing, entry -> ReminderDue.atOrNull(entry.sentAt(), entry.expiresAt(), hours.get(entry.organizationId())));
        } catch (RuntimeException e) {
            if (repairing) {
                throw e;
            }
            log.error("Could not record {} issued invitation(s) in the lookup, first {}; the repair processor {} will",
                    writing.size(), writing.get(0).invitationId(), REPAIR_GROUP, e);
        }
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule invitationLookupProcessors(InvitationLookup lookup, AddressClaims claims, ReminderSettings reminders) {
            return RepairedLookup.processors(GROUP, new InvitationLookupProjection(lookup, claims, reminders, false),
                    REPAIR_GROUP, new InvitationLookupProjection(lookup, claims, reminders, true));
        }
    }
}
