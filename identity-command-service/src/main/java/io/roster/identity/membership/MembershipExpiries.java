package io.roster.identity.membership;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The due list of the memberships that end by themselves, in {@code membership-expiries-v1}: one document per
 * membership, {@code {_id: "<orgId>:<userId>", organizationId, userId, expiresAt (null: no end date), sequence}},
 * indexed by {@code expiresAt} for the expiry job ({@code organization.MembershipExpiry}).
 *
 * <p>Fed by {@link MembershipExpiriesProjection}, live and by its repair processor, so each write is idempotent and
 * order-safe: it changes the entry only if the event that wrote it last came before ({@code sequence}, the
 * organization's event sequence number). A membership that ended keeps its entry with {@code expiresAt} null, so an
 * older join applied again by the repair cannot bring back its end date.
 */
@Component
public class MembershipExpiries {

    public static final String COLLECTION = "membership-expiries-v1";

    /** A membership whose end date has come. */
    public record Due(UUID organizationId, UUID userId, Instant expiresAt) {
    }

    private final MongoCollection<Document> collection;

    MembershipExpiries(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
        collection.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().name("by_expiry"));
    }

    /**
     * The membership's end date is now {@code expiresAt} (null: none, or it ended), as of event {@code sequence}: one
     * write, an upsert of the entry if it is older or missing. If it is there and not older, the upsert's insert meets
     * the entry's id (duplicate key) and the entry is changed only if it is older by then (another writer may have
     * inserted it in between).
     */
    void record(UUID organizationId, UUID userId, Instant expiresAt, long sequence) {
        String id = organizationId + ":" + userId;
        Bson older = Filters.and(Filters.eq("_id", id), Filters.lt("sequence", sequence));
        Bson change = Updates.combine(Updates.set("expiresAt", expiresAt == null ? null : Date.from(expiresAt)),
                Updates.set("sequence", sequence));
        try {
            collection.updateOne(older, Updates.combine(change,
                    Updates.setOnInsert("organizationId", organizationId.toString()),
                    Updates.setOnInsert("userId", userId.toString())), new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            collection.updateOne(older, change);
        }
    }

    /**
     * {@link #record}, for an event that was most likely recorded already (the repair applies every event again): one
     * read of the entry's sequence, and the write only if the entry is missing or older.
     */
    void recordIfNewer(UUID organizationId, UUID userId, Instant expiresAt, long sequence) {
        Document entry = collection.find(Filters.eq("_id", organizationId + ":" + userId)).projection(Projections.include("sequence")).first();
        Number recorded = entry == null ? null : entry.get("sequence", Number.class);
        if (recorded == null || recorded.longValue() < sequence) {
            record(organizationId, userId, expiresAt, sequence);
        }
    }

    /** Up to {@code limit} memberships whose end date is at or before {@code now}, earliest first. */
    public List<Due> due(Instant now, int limit) {
        List<Due> due = new ArrayList<>();
        collection.find(Filters.lte("expiresAt", Date.from(now)))
                .projection(Projections.include("organizationId", "userId", "expiresAt"))
                .sort(Sorts.ascending("expiresAt")).limit(limit)
                .forEach(d -> due.add(new Due(UUID.fromString(d.getString("organizationId")), UUID.fromString(d.getString("userId")),
                        d.getDate("expiresAt").toInstant())));
        return due;
    }
}
