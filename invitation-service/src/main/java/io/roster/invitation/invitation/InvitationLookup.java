package io.roster.invitation.invitation;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.invitation.InvitationValidity;
import io.roster.events.invitation.MembershipTerms;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Invitations by id and by token hash ({@code invitation-lookup-v1}), kept by {@link InvitationLookupProjection}:
 * what preview, accept, resend, revoke, the expiry job and the reminder sweep need of an invitation before they send
 * its command. For the reminders it keeps when the last invitation email went ({@code lastSentAt}), whether the
 * invitee was reminded since ({@code reminded}) and when the reminder is due ({@code reminderDueAt}, null: never).
 *
 * <p>Every write is safe to apply twice and in any interleaving of the live and the repair processor (see
 * {@link io.roster.kit.lookup.RepairedLookup}): an issue only inserts a missing entry, and each later change
 * carries its event's sequence number per part it writes ({@code tokenSequence} for token and expiry,
 * {@code statusSequence} for the status) and applies only over an older one. So a late copy of an event never
 * undoes a later one, and an event a crash left out is still applied after later ones were. Entries written
 * before these fields existed have none and take any event.
 */
@Component
class InvitationLookup {

    private static final String TOKEN_SEQUENCE = "tokenSequence";
    private static final String STATUS_SEQUENCE = "statusSequence";
    private static final String MEMBERSHIP_EXPIRES_AT = "membershipExpiresAt";
    private static final String MEMBERSHIP_DAYS = "membershipDays";
    private static final String LAST_SENT_AT = "lastSentAt";
    private static final String REMINDER_DUE_AT = "reminderDueAt";
    private static final String REMINDED = "reminded";

    private final MongoCollection<Document> invitations;

    InvitationLookup(MongoDatabase database) {
        this.invitations = database.getCollection("invitation-lookup-v1");
        invitations.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().name("by_token_hash"));
        invitations.createIndex(Indexes.ascending("status", "expiresAt"), new IndexOptions().name("by_status_expiry"));
        invitations.createIndex(Indexes.ascending("organizationId", "status", "expiresAt"),
                new IndexOptions().name("by_organization_status_expiry"));
        invitations.createIndex(Indexes.ascending("status", REMINDER_DUE_AT, "expiresAt"),
                new IndexOptions().name("by_status_reminder_due_expiry"));
    }

    /** A pending invitation's view, as preview, accept and the expiry job need it. */
    record Entry(UUID invitationId, UUID organizationId, String email, List<String> roles, String status, Instant expiresAt,
                 String firstName, String lastName, MembershipTerms membership) {

        /** Pending but past its expiry counts as expired before the InvitationExpired arrives. */
        String effectiveStatus(Instant now) {
            return InvitationValidity.ofInvitation(status, expiresAt, now) == InvitationValidity.EXPIRED
                    ? InvitationStatus.EXPIRED.json() : status;
        }
    }

    /** A new pending invitation's entry, from its InvitationIssued ({@code sequence}, the first of its stream). */
    record NewEntry(UUID invitationId, UUID organizationId, String email, String firstName, String lastName,
                    List<String> roles, String tokenHash, Instant expiresAt, Instant sentAt, long sequence,
                    MembershipTerms membership) {
    }

    /**
     * A pending invitation's reminder, as the sweep needs it: when its last email went and when it expires (to work out
     * the due instant again with the organization's window now, {@link ReminderDue}).
     */
    record ReminderCandidate(UUID invitationId, UUID organizationId, Instant lastSentAt, Instant expiresAt) {
    }

    /**
     * Records new pending invitations, all in one write. An entry that exists already is left as it is: it was
     * written from this same event, and maybe changed by later ones since. {@code reminderDueAt} gives each new entry's
     * reminder due instant (null: none, its organization's reminders are off).
     */
    void issuedAll(List<NewEntry> entries, java.util.function.Function<NewEntry, Instant> reminderDueAt) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            invitations.bulkWrite(entries.stream()
                    .map(entry -> new UpdateOneModel<Document>(Filters.eq("_id", entry.invitationId().toString()),
                            Updates.combine(
                                    Updates.setOnInsert("organizationId", entry.organizationId().toString()),
                                    Updates.setOnInsert("email", entry.email()),
                                    Updates.setOnInsert("firstName", entry.firstName()),
                                    Updates.setOnInsert("lastName", entry.lastName()),
                                    Updates.setOnInsert("roles", entry.roles()),
                                    Updates.setOnInsert("tokenHash", entry.tokenHash()),
                                    Updates.setOnInsert("expiresAt", Date.from(entry.expiresAt())),
                                    Updates.setOnInsert(MEMBERSHIP_EXPIRES_AT, dateOrNull(entry.membership().expiresAt())),
                                    Updates.setOnInsert(MEMBERSHIP_DAYS, entry.membership().days()),
                                    Updates.setOnInsert(LAST_SENT_AT, Date.from(entry.sentAt())),
                                    Updates.setOnInsert(REMINDER_DUE_AT, dateOrNull(reminderDueAt.apply(entry))),
                                    Updates.setOnInsert(REMINDED, false),
                                    Updates.setOnInsert(TOKEN_SEQUENCE, entry.sequence()),
                                    Updates.setOnInsert("status", InvitationStatus.PENDING.json()),
                                    Updates.setOnInsert(STATUS_SEQUENCE, entry.sequence())),
                            new UpdateOptions().upsert(true)))
                    .toList(), new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            // the live and the repair processor upserting one entry at once: the loser's upsert finds the key taken,
            // and the entry it wanted to insert is there
            boolean onlyInsertedMeanwhile = e.getWriteErrors().stream()
                    .allMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!onlyInsertedMeanwhile) {
                throw e;
            }
        }
    }

    /**
     * A resend's new token and expiry, and the invitation pending again (after an expiry); the new link may be reminded
     * of once more, at {@code reminderDueAt} (null: never, the organization's reminders are off).
     */
    void resent(UUID invitationId, String tokenHash, Instant expiresAt, Instant sentAt, Instant reminderDueAt, long sequence) {
        invitations.bulkWrite(List.of(
                new UpdateOneModel<>(Filters.and(withId(invitationId), olderThan(TOKEN_SEQUENCE, sequence)), Updates.combine(
                        Updates.set("tokenHash", tokenHash),
                        Updates.set("expiresAt", Date.from(expiresAt)),
                        Updates.set(LAST_SENT_AT, Date.from(sentAt)),
                        Updates.set(REMINDER_DUE_AT, dateOrNull(reminderDueAt)),
                        Updates.set(REMINDED, false),
                        Updates.set(TOKEN_SEQUENCE, sequence))),
                new UpdateOneModel<>(Filters.and(withId(invitationId), olderThan(STATUS_SEQUENCE, sequence)), Updates.combine(
                        Updates.set("status", InvitationStatus.PENDING.json()),
                        Updates.set(STATUS_SEQUENCE, sequence)))),
                new BulkWriteOptions().ordered(false));
    }

    /** An edit's roles, expiry and membership terms (its link stays the same). */
    void updated(UUID invitationId, List<String> roles, Instant expiresAt, MembershipTerms membership, long sequence) {
        invitations.updateOne(Filters.and(withId(invitationId), olderThan(TOKEN_SEQUENCE, sequence)), Updates.combine(
                Updates.set("roles", roles),
                Updates.set("expiresAt", Date.from(expiresAt)),
                Updates.set(MEMBERSHIP_EXPIRES_AT, dateOrNull(membership.expiresAt())),
                Updates.set(MEMBERSHIP_DAYS, membership.days()),
                Updates.set(TOKEN_SEQUENCE, sequence)));
    }

    /** The invitee was reminded: no other reminder until a resend. */
    void reminded(UUID invitationId, long sequence) {
        invitations.updateOne(Filters.and(withId(invitationId), olderThan(TOKEN_SEQUENCE, sequence)), Updates.combine(
                Updates.set(REMINDED, true),
                Updates.unset(REMINDER_DUE_AT),
                Updates.set(TOKEN_SEQUENCE, sequence)));
    }

    /**
     * Works out one invitation's reminder due instant again from what the lookup has of it (after an edit moved its
     * expiry, or when the sweep finds it not due with its organization's window now). Written only if its last email,
     * expiry and reminded flag are still those read, so a resend or a reminder recorded meanwhile is never undone.
     *
     * @param hours the organization's window, or null: its reminders are off
     */
    void rescheduleReminder(UUID invitationId, Integer hours) {
        Document d = invitations.find(withId(invitationId)).first();
        if (d == null || d.getDate(LAST_SENT_AT) == null) {
            return;
        }
        ReminderCandidate candidate = candidateOf(d);
        boolean reminded = Boolean.TRUE.equals(d.getBoolean(REMINDED));
        Instant due = reminded ? null : ReminderDue.atOrNull(candidate.lastSentAt(), candidate.expiresAt(), hours);
        invitations.updateOne(unchangedSince(candidate), Updates.set(REMINDER_DUE_AT, dateOrNull(due)));
    }

    /**
     * The organization's reminder window changed: the due instants of all its pending invitations not reminded yet
     * follow, with one read and one bulk write (not a write per invitation). Each write is conditional as in
     * {@link #rescheduleReminder}. Entries written before reminders existed (no {@code lastSentAt}) are left out.
     *
     * @return how many entries were rewritten
     */
    int rescheduleReminders(UUID organizationId, Integer hours) {
        List<UpdateOneModel<Document>> writes = new ArrayList<>();
        invitations.find(Filters.and(Filters.eq("organizationId", organizationId.toString()),
                        Filters.eq("status", InvitationStatus.PENDING.json()), Filters.ne(REMINDED, true),
                        Filters.exists(LAST_SENT_AT)))
                .projection(Projections.include("organizationId", LAST_SENT_AT, "expiresAt"))
                .forEach(d -> {
                    ReminderCandidate candidate = candidateOf(d);
                    Instant due = ReminderDue.atOrNull(candidate.lastSentAt(), candidate.expiresAt(), hours);
                    writes.add(new UpdateOneModel<>(unchangedSince(candidate), Updates.set(REMINDER_DUE_AT, dateOrNull(due))));
                });
        if (writes.isEmpty()) {
            return 0;
        }
        return invitations.bulkWrite(writes, new BulkWriteOptions().ordered(false)).getModifiedCount();
    }

    /** Pending invitations not expired whose reminder is due, earliest first. */
    List<ReminderCandidate> dueForReminder(Instant now, int limit) {
        return invitations.find(Filters.and(Filters.eq("status", InvitationStatus.PENDING.json()),
                        Filters.lte(REMINDER_DUE_AT, Date.from(now)), Filters.gt("expiresAt", Date.from(now))))
                .sort(Sorts.ascending(REMINDER_DUE_AT)).limit(limit)
                .projection(Projections.include("organizationId", LAST_SENT_AT, "expiresAt"))
                .map(InvitationLookup::candidateOf)
                .into(new ArrayList<>());
    }

    private static ReminderCandidate candidateOf(Document d) {
        return new ReminderCandidate(UUID.fromString(d.getString("_id")), UUID.fromString(d.getString("organizationId")),
                d.getDate(LAST_SENT_AT).toInstant(), d.getDate("expiresAt").toInstant());
    }

    private static Bson unchangedSince(ReminderCandidate read) {
        return Filters.and(withId(read.invitationId()), Filters.eq(LAST_SENT_AT, Date.from(read.lastSentAt())),
                Filters.eq("expiresAt", Date.from(read.expiresAt())), Filters.ne(REMINDED, true),
                Filters.eq("status", InvitationStatus.PENDING.json()));
    }

    private static Date dateOrNull(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    /** The invitation was accepted, revoked or expired. */
    void ended(UUID invitationId, InvitationStatus status, long sequence) {
        invitations.updateOne(Filters.and(withId(invitationId), olderThan(STATUS_SEQUENCE, sequence)), Updates.combine(
                Updates.set("status", status.json()),
                Updates.set(STATUS_SEQUENCE, sequence)));
    }

    Optional<Entry> byId(UUID invitationId) {
        return first(withId(invitationId));
    }

    Optional<Entry> byTokenHash(String tokenHash) {
        return first(Filters.eq("tokenHash", tokenHash));
    }

    /** Which of these invitations the lookup has as pending: one query. */
    Set<UUID> pendingAmong(Collection<UUID> invitationIds) {
        Set<UUID> pending = new HashSet<>();
        if (!invitationIds.isEmpty()) {
            invitations.find(Filters.and(Filters.in("_id", invitationIds.stream().map(UUID::toString).toList()),
                            Filters.eq("status", InvitationStatus.PENDING.json())))
                    .projection(Projections.include("_id"))
                    .forEach(d -> pending.add(UUID.fromString(d.getString("_id"))));
        }
        return pending;
    }

    /**
     * Up to {@code limit} of the organization's invitations that are pending, or expired (pending past their expiry
     * included, as {@link Entry#effectiveStatus} counts them), earliest expiry first.
     */
    List<UUID> inOrganization(UUID organizationId, InvitationStatus status, Instant now, int limit) {
        Bson organization = Filters.eq("organizationId", organizationId.toString());
        Bson pending = Filters.eq("status", InvitationStatus.PENDING.json());
        Bson filter = status == InvitationStatus.PENDING
                ? Filters.and(organization, pending, Filters.gt("expiresAt", Date.from(now)))
                : Filters.and(organization, Filters.or(Filters.eq("status", InvitationStatus.EXPIRED.json()),
                        Filters.and(pending, Filters.lte("expiresAt", Date.from(now)))));
        return invitations.find(filter).sort(Sorts.ascending("expiresAt")).limit(limit)
                .projection(Projections.include("_id"))
                .map(d -> UUID.fromString(d.getString("_id")))
                .into(new ArrayList<>());
    }

    /** Pending invitations whose expiry passed, oldest first. */
    List<UUID> due(Instant now, int limit) {
        return invitations.find(Filters.and(Filters.eq("status", InvitationStatus.PENDING.json()),
                        Filters.lte("expiresAt", Date.from(now))))
                .sort(Sorts.ascending("expiresAt")).limit(limit)
                .map(d -> UUID.fromString(d.getString("_id")))
                .into(new ArrayList<>());
    }

    private Optional<Entry> first(Bson filter) {
        Document d = invitations.find(filter).first();
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(new Entry(UUID.fromString(d.getString("_id")), UUID.fromString(d.getString("organizationId")),
                d.getString("email"), d.getList("roles", String.class, List.of()), d.getString("status"),
                d.getDate("expiresAt").toInstant(), d.getString("firstName"), d.getString("lastName"),
                new MembershipTerms(instantOrNull(d.getDate(MEMBERSHIP_EXPIRES_AT)), d.getInteger(MEMBERSHIP_DAYS))));
    }

    private static Instant instantOrNull(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Bson withId(UUID invitationId) {
        return Filters.eq("_id", invitationId.toString());
    }

    /** The part {@code field} counts was last written by an event before {@code sequence} (or by code that kept no count). */
    private static Bson olderThan(String field, long sequence) {
        return Filters.or(Filters.exists(field, false), Filters.lt(field, sequence));
    }
}
