package io.roster.notification.delivery;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import io.roster.events.notification.NotificationKind;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static io.roster.notification.delivery.DeliveryDocuments.kindValue;
import static io.roster.notification.delivery.DeliveryDocuments.recipientKey;
import static io.roster.notification.delivery.DeliveryDocuments.toDelivery;
import static io.roster.notification.delivery.DeliveryDocuments.value;

/**
 * The delivery log: reads of the deliveries {@link DeliveryQueue} wrote, one by id or a page at a time, newest
 * first. It writes nothing.
 */
@Component
public class DeliveryLog {

    private final DeliveryDocuments documents;
    private final MongoCollection<Document> collection;

    DeliveryLog(DeliveryDocuments documents) {
        this.documents = documents;
        this.collection = documents.collection();
    }

    public Optional<Delivery> find(UUID notificationId) {
        return Optional.ofNullable(collection.find(eq("_id", notificationId.toString())).first()).map(DeliveryDocuments::toDelivery);
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
        documents.ensureIndexes();
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
}
