package io.roster.notification.delivery;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.roster.events.notification.NotificationKind;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.nin;

/**
 * The deliveries ({@code deliveries-v1}): the outbox of emails and the delivery log at once. Every state
 * change after the claim is fenced by the lease token, so a worker that lost its lease (it stalled, and
 * another worker or instance took the delivery over) cannot overwrite what the other one recorded.
 */
@Component
public class DeliveryStore {

    static final String COLLECTION = "deliveries-v1";
    private static final int DUPLICATE_KEY = 11000;

    private final MongoCollection<Document> collection;
    private volatile boolean indexed;

    DeliveryStore(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    /**
     * Created on first use rather than at start-up, so that the service starts (and reports itself not
     * ready) while MongoDB is away; the unique index exists before the first delivery is written.
     */
    private void ensureIndexes() {
        if (indexed) {
            return;
        }
        synchronized (this) {
            if (!indexed) {
                collection.createIndex(Indexes.ascending("triggeringEventId"), new IndexOptions().name("one_per_event").unique(true));
                collection.createIndex(Indexes.ascending("dueAt"), new IndexOptions().name("due").sparse(true));
                collection.createIndex(Indexes.ascending("organizationId", "logKey"), new IndexOptions().name("log"));
                // the provider admins' log of every delivery, whole or of one user or address
                collection.createIndex(Indexes.ascending("logKey"), new IndexOptions().name("log_all"));
                collection.createIndex(Indexes.ascending("recipientUserId", "logKey"), new IndexOptions().name("log_by_user"));
                collection.createIndex(Indexes.ascending("recipientKey", "logKey"), new IndexOptions().name("log_by_recipient_key"));
                collection.createIndex(Indexes.ascending("invitationId"), new IndexOptions().name("by_invitation").sparse(true));
                collection.createIndex(Indexes.ascending("outboxPending"), new IndexOptions().name("outbox").sparse(true));
                indexed = true;
            }
        }
    }

    /** @return false when a delivery of the same triggering event (or the same id) exists: nothing was written */
    public boolean insert(Delivery delivery, String leaseOwner) {
        ensureIndexes();
        try {
            collection.insertOne(asDocument(delivery).append("leaseOwner", leaseOwner));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY || e.getError().getCode() == DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    public Optional<Delivery> find(UUID notificationId) {
        return Optional.ofNullable(collection.find(eq("_id", notificationId.toString())).first()).map(DeliveryStore::toDelivery);
    }

    public Optional<Delivery> findByTriggeringEvent(UUID eventId) {
        return Optional.ofNullable(collection.find(eq("triggeringEventId", eventId.toString())).first()).map(DeliveryStore::toDelivery);
    }

    /**
     * The most overdue deliveries that wait for an attempt (or whose claim lease expired before their
     * SMTP transaction started), of routes not excluded: candidates, each still to be {@link #claim claimed}.
     */
    List<Delivery> dueCandidates(Collection<String> excludedRoutes, Instant now, int limit) {
        ensureIndexes();
        List<Bson> conditions = new ArrayList<>(List.of(
                in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING), value(DeliveryStatus.CLAIMED)),
                lte("dueAt", date(now))));
        if (!excludedRoutes.isEmpty()) {
            conditions.add(nin("route", excludedRoutes));
        }
        return collection.find(and(conditions)).projection(Projections.include("_id", "route", "dueAt"))
                .sort(Sorts.ascending("dueAt")).limit(limit)
                .map(d -> candidate(d.getString("_id"), d.getString("route"))).into(new ArrayList<>());
    }

    /**
     * Takes a candidate under a fresh lease if it is still due (nobody claimed, sent or cancelled it
     * meanwhile); counts the attempt. Atomic: of two workers or instances, one gets it.
     */
    Optional<Delivery> claim(String notificationId, Instant now, Duration lease, String owner) {
        Document claimed = collection.findOneAndUpdate(and(
                        eq("_id", notificationId),
                        in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING), value(DeliveryStatus.CLAIMED)),
                        lte("dueAt", date(now))),
                Updates.combine(
                        Updates.set("status", value(DeliveryStatus.CLAIMED)),
                        Updates.set("leaseToken", UUID.randomUUID().toString()),
                        Updates.set("leaseOwner", owner),
                        Updates.set("dueAt", date(now.plus(lease))),
                        Updates.set("updatedAt", date(now)),
                        Updates.inc("attempts", 1)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(claimed).map(DeliveryStore::toDelivery);
    }

    /** Claims the most overdue due delivery of a route not excluded (what a single worker does). */
    Optional<Delivery> claimNext(Collection<String> excludedRoutes, Instant now, Duration lease, String owner) {
        for (Delivery candidate : dueCandidates(excludedRoutes, now, 10)) {
            Optional<Delivery> claimed = claim(candidate.notificationId().toString(), now, lease, owner);
            if (claimed.isPresent()) {
                return claimed;
            }
        }
        return Optional.empty();
    }

    /** A delivery known only by id and route, as a candidate list holds it. */
    private static Delivery candidate(String id, String route) {
        return new Delivery(UUID.fromString(id), null, null, null, route, null, null, null, null, 0, null, null, null, null,
                null, null, null, null, null, null, 0, null, null, false, null, 0, null);
    }

    /** The SMTP transaction is about to start: from now on a lost worker means an unknown outcome. */
    boolean markSending(Delivery claim, String recipient, Instant now, Duration lease) {
        return collection.updateOne(and(fenced(claim), eq("status", value(DeliveryStatus.CLAIMED))), Updates.combine(
                Updates.set("status", value(DeliveryStatus.SENDING)),
                Updates.set("recipient", recipient),
                Updates.set("recipientKey", recipientKey(recipient)),
                Updates.set("dueAt", date(now.plus(lease))),
                Updates.set("updatedAt", date(now)))).getModifiedCount() == 1;
    }

    /**
     * The server accepted the email. Also upgrades an {@code unknown} outcome recorded meanwhile by
     * another instance that thought this worker dead: the email did go out, and the log says so.
     */
    Optional<Delivery> markSent(Delivery claim, Instant now) {
        return outcome(and(fenced(claim), in("status", value(DeliveryStatus.SENDING), value(DeliveryStatus.UNKNOWN))),
                DeliveryStatus.SENT, null, now, Updates.set("sentAt", date(now)));
    }

    Optional<Delivery> markFailed(Delivery claim, String error, Instant now) {
        return outcome(and(fenced(claim), in("status", value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                DeliveryStatus.FAILED, error, now, Updates.unset("leaseToken"));
    }

    /** Another attempt later; {@code countsAsAttempt} false when the email only waits for a fact. */
    boolean reschedule(Delivery claim, DeliveryStatus status, Instant dueAt, String reason, boolean countsAsAttempt, Instant now) {
        List<Bson> updates = new ArrayList<>(List.of(
                Updates.set("status", value(status)),
                Updates.set("dueAt", date(dueAt)),
                Updates.set("lastError", reason),
                Updates.set("updatedAt", date(now)),
                Updates.unset("leaseToken")));
        if (!countsAsAttempt) {
            updates.add(Updates.inc("attempts", -1));
        }
        return collection.updateOne(and(fenced(claim), in("status", value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                Updates.combine(updates)).getModifiedCount() == 1;
    }

    boolean markCancelled(Delivery claim, String reason, Instant now) {
        return collection.updateOne(and(fenced(claim), eq("status", value(DeliveryStatus.CLAIMED))), Updates.combine(
                Updates.set("status", value(DeliveryStatus.CANCELLED)),
                Updates.set("lastError", reason),
                Updates.set("updatedAt", date(now)),
                Updates.inc("attempts", -1),
                Updates.unset("dueAt"),
                Updates.unset("leaseToken"))).getModifiedCount() == 1;
    }

    /**
     * One delivery whose worker stopped during the SMTP transaction (its lease ran out while
     * {@code sending}) becomes {@code unknown}: it is not sent again. The lease token stays, so that a
     * worker that was only stalled can still record that the email went out.
     */
    Optional<Delivery> expireOneInFlight(Instant now) {
        return outcome(and(eq("status", value(DeliveryStatus.SENDING)), lte("dueAt", date(now))), DeliveryStatus.UNKNOWN,
                "outcome unknown: the service stopped during the SMTP transaction, so the email may or may not have "
                        + "been delivered; it is not sent again (at most once)", now, null);
    }

    /** This worker cannot tell how its SMTP transaction ended. */
    Optional<Delivery> markUnknown(Delivery claim, String reason, Instant now) {
        return outcome(and(fenced(claim), eq("status", value(DeliveryStatus.SENDING))), DeliveryStatus.UNKNOWN, reason, now, null);
    }

    /**
     * An invitation's emails triggered before {@code before} are pointless now (their link stopped working,
     * or the invitation ended): those still waiting are cancelled, those a worker holds are marked so that
     * they are cancelled rather than retried if their attempt fails. One a worker is sending goes out.
     *
     * @return how many waiting emails were cancelled
     */
    public long cancelInvitationEmails(UUID invitationId, Instant before, String reason, Instant now) {
        ensureIndexes();
        Bson earlierEmails = and(
                eq("invitationId", invitationId.toString()),
                in("kind", kindValue(NotificationKind.INVITATION), kindValue(NotificationKind.INVITATION_RESENT)),
                lt("eventOccurredAt", date(before)));
        collection.updateMany(and(earlierEmails, in("status", value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                Updates.set("obsoleteBecause", reason));
        return collection.updateMany(and(earlierEmails, in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING))),
                Updates.combine(
                        Updates.set("status", value(DeliveryStatus.CANCELLED)),
                        Updates.set("lastError", reason),
                        Updates.set("updatedAt", date(now)),
                        Updates.unset("dueAt"))).getModifiedCount();
    }

    /** Outcomes recorded before {@code recordedBefore} whose events are not published yet. */
    List<Delivery> unpublishedOutcomes(Instant recordedBefore, int limit) {
        return collection.find(and(eq("outboxPending", true), lt("updatedAt", date(recordedBefore))))
                .limit(limit).map(DeliveryStore::toDelivery).into(new ArrayList<>());
    }

    /** The outcome events of these ids reached Kafka (a newer outcome recorded meanwhile keeps its flag). */
    void outcomesPublished(Collection<Delivery> published) {
        if (published.isEmpty()) {
            return;
        }
        collection.updateMany(and(
                        in("_id", published.stream().map(d -> d.notificationId().toString()).toList()),
                        in("outcomeEventId", published.stream().map(d -> d.outcomeEventId().toString()).toList())),
                Updates.unset("outboxPending"));
    }

    /** A page of an organization's delivery log, newest first, strictly after the log key {@code after}. */
    public List<LogEntry> page(UUID organizationId, String after, int limit, DeliveryStatus status, NotificationKind kind) {
        return page(List.of(eq("organizationId", organizationId.toString())), after, limit, status, kind);
    }

    /**
     * A page of every delivery, organizations' and those of no organization (a sign-up's verification, the set-up
     * of an account created without memberships), optionally of one user or one address (in any letter case); newest first.
     */
    public List<LogEntry> pageAll(UUID userId, String recipient, String after, int limit, DeliveryStatus status,
                                  NotificationKind kind) {
        List<Bson> scope = new ArrayList<>();
        if (userId != null) {
            scope.add(eq("recipientUserId", userId.toString()));
        }
        if (recipient != null) {
            scope.add(eq("recipientKey", recipientKey(recipient)));
        }
        return page(scope, after, limit, status, kind);
    }

    private List<LogEntry> page(List<Bson> scope, String after, int limit, DeliveryStatus status, NotificationKind kind) {
        ensureIndexes();
        List<Bson> conditions = new ArrayList<>(scope);
        if (after != null) {
            conditions.add(lt("logKey", after));
        }
        if (status != null) {
            conditions.add(eq("status", value(status)));
        }
        if (kind != null) {
            conditions.add(eq("kind", kindValue(kind)));
        }
        Bson filter = conditions.isEmpty() ? new Document() : and(conditions);
        return collection.find(filter).sort(Sorts.descending("logKey")).limit(limit)
                .map(d -> new LogEntry(d.getString("logKey"), toDelivery(d))).into(new ArrayList<>());
    }

    /** A delivery with the key that orders the log (creation time, then id). */
    public record LogEntry(String logKey, Delivery delivery) {
    }

    private Optional<Delivery> outcome(Bson filter, DeliveryStatus status, String error, Instant now, Bson extra) {
        List<Bson> updates = new ArrayList<>(List.of(
                Updates.set("status", value(status)),
                Updates.set("updatedAt", date(now)),
                Updates.set("outboxPending", true),
                Updates.set("outcomeEventId", UUID.randomUUID().toString()),
                Updates.inc("outcomes", 1),
                Updates.unset("dueAt")));
        if (error != null) {
            updates.add(Updates.set("lastError", error));
        }
        if (extra != null) {
            updates.add(extra);
        }
        Document after = collection.findOneAndUpdate(filter, Updates.combine(updates),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(after).map(DeliveryStore::toDelivery);
    }

    private static Bson fenced(Delivery claim) {
        return and(eq("_id", claim.notificationId().toString()), eq("leaseToken", claim.leaseToken()));
    }

    /** Orders the log: creation time, then an ObjectId, which grows within a process even inside one millisecond. */
    static String logKey(Instant createdAt) {
        return String.format(Locale.ROOT, "%013d", createdAt.toEpochMilli()) + ":" + new ObjectId().toHexString();
    }

    static String value(DeliveryStatus status) {
        return status.value();
    }

    public static String kindValue(NotificationKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** An address as the log is searched by: addresses are looked up in any letter case, as mail systems treat them. */
    private static String recipientKey(String address) {
        return address == null ? null : address.toLowerCase(Locale.ROOT);
    }

    static NotificationKind kindOf(String value) {
        return NotificationKind.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    private static Document asDocument(Delivery d) {
        Document doc = new Document("_id", d.notificationId().toString())
                .append("triggeringEventId", d.triggeringEventId().toString())
                .append("kind", kindValue(d.kind()))
                .append("organizationId", string(d.organizationId()))
                .append("route", d.route())
                .append("recipient", d.recipient())
                .append("recipientKey", recipientKey(d.recipient()))
                .append("recipientUserId", string(d.recipientUserId()))
                .append("status", value(d.status()))
                .append("attempts", d.attempts())
                .append("lastError", d.lastError())
                .append("createdAt", date(d.createdAt()))
                .append("updatedAt", date(d.updatedAt()))
                .append("eventOccurredAt", date(d.eventOccurredAt()))
                .append("eventType", d.eventType())
                .append("event", d.eventJson())
                .append("sourceTopic", d.sourceTopic())
                .append("aggregateId", d.aggregateId())
                .append("sequence", d.sequenceNumber())
                .append("correlationId", d.correlationId())
                .append("outcomes", d.outcomes())
                .append("logKey", logKey(d.createdAt()));
        // sparse indexes: absent, not null, where a value does not apply
        if (d.invitationId() != null) {
            doc.append("invitationId", d.invitationId().toString());
        }
        if (d.dueAt() != null) {
            doc.append("dueAt", date(d.dueAt()));
        }
        if (d.sentAt() != null) {
            doc.append("sentAt", date(d.sentAt()));
        }
        if (d.leaseToken() != null) {
            doc.append("leaseToken", d.leaseToken());
        }
        if (d.outboxPending()) {
            doc.append("outboxPending", true).append("outcomeEventId", d.outcomeEventId().toString());
        }
        return doc;
    }

    static Delivery toDelivery(Document d) {
        return new Delivery(
                UUID.fromString(d.getString("_id")),
                uuid(d.getString("triggeringEventId")),
                kindOf(d.getString("kind")),
                uuid(d.getString("organizationId")),
                d.getString("route"),
                d.getString("recipient"),
                uuid(d.getString("recipientUserId")),
                uuid(d.getString("invitationId")),
                DeliveryStatus.of(d.getString("status")),
                d.getInteger("attempts", 0),
                d.getString("lastError"),
                instant(d.getDate("createdAt")),
                instant(d.getDate("updatedAt")),
                instant(d.getDate("sentAt")),
                instant(d.getDate("dueAt")),
                instant(d.getDate("eventOccurredAt")),
                d.getString("eventType"),
                d.getString("event"),
                d.getString("sourceTopic"),
                d.getString("aggregateId"),
                d.get("sequence") instanceof Number n ? n.longValue() : 0L,
                d.getString("correlationId"),
                d.getString("leaseToken"),
                Boolean.TRUE.equals(d.getBoolean("outboxPending")),
                uuid(d.getString("outcomeEventId")),
                d.getInteger("outcomes", 0),
                d.getString("obsoleteBecause"));
    }

    private static String string(UUID id) {
        return id == null ? null : id.toString();
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
