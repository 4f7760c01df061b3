package io.roster.notification.delivery;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.roster.events.notification.NotificationKind;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.UUID;

/**
 * The deliveries' collection ({@code deliveries-v1}): its indexes, and how a {@link Delivery} is written to and
 * read from a document. {@link DeliveryQueue} writes deliveries, {@link DeliveryLog} reads them.
 */
@Component
public class DeliveryDocuments {

    static final String COLLECTION = "deliveries-v1";

    private final MongoCollection<Document> collection;
    private volatile boolean indexed;

    DeliveryDocuments(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    MongoCollection<Document> collection() {
        return collection;
    }

    /**
     * Created on first use rather than at start-up, so that the service starts (and reports itself not
     * ready) while MongoDB is away; the unique index exists before the first delivery is written.
     */
    void ensureIndexes() {
        if (indexed) {
            return;
        }
        synchronized (this) {
            if (!indexed) {
                collection.createIndex(Indexes.ascending("triggeringEventId"), new IndexOptions().name("one_per_event").unique(true));
                collection.createIndex(Indexes.ascending("dueAt"), new IndexOptions().name("due").sparse(true));
                collection.createIndex(Indexes.ascending("organizationId", "logKey"), new IndexOptions().name("log"));
                // an organization's log of one status or one kind (its failed emails, say) reads only those, newest first,
                // not the whole log down to the last match
                collection.createIndex(Indexes.ascending("organizationId", "status", "logKey"), new IndexOptions().name("log_by_status"));
                collection.createIndex(Indexes.ascending("organizationId", "kind", "logKey"), new IndexOptions().name("log_by_kind"));
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
    static String recipientKey(String address) {
        return address == null ? null : address.toLowerCase(Locale.ROOT);
    }

    static NotificationKind kindOf(String value) {
        return NotificationKind.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    static Document asDocument(Delivery d) {
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
                .append("traceparent", d.traceparent())
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
                d.getString("traceparent"),
                d.getString("leaseToken"),
                Boolean.TRUE.equals(d.getBoolean("outboxPending")),
                uuid(d.getString("outcomeEventId")),
                d.getInteger("outcomes", 0),
                d.getString("obsoleteBecause"),
                Boolean.TRUE.equals(d.getBoolean("organizationServerUsed")));
    }

    private static String string(UUID id) {
        return id == null ? null : id.toString();
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }

    static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
