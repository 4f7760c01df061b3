package io.roster.identity.membership;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
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
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** A membership's end date as of event {@code sequence} of its organization (null: none, or it ended). */
    record Entry(UUID organizationId, UUID userId, Instant expiresAt, long sequence) {
    }

    /** {@link #record(List)} of one entry. */
    void record(UUID organizationId, UUID userId, Instant expiresAt, long sequence) {
        record(List.of(new Entry(organizationId, userId, expiresAt, sequence)));
    }

    /**
     * Each membership's end date is now the entry's, as of its event: one bulk write of upserts, each changing its
     * entry only if it is older or missing. Where the entry is there and not older, the upsert's insert meets the
     * entry's id (duplicate key), and the entry is then changed only if it is older by then (another writer may have
     * inserted it in between). Unordered: the sequence guard, not the order, decides which write wins.
     */
    void record(List<Entry> entries) {
        List<UpdateOneModel<Document>> upserts = entries.stream().map(entry -> new UpdateOneModel<Document>(older(entry),
                Updates.combine(change(entry), Updates.setOnInsert("organizationId", entry.organizationId().toString()),
                        Updates.setOnInsert("userId", entry.userId().toString())), new UpdateOptions().upsert(true))).toList();
        try {
            collection.bulkWrite(upserts, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null
                    || e.getWriteErrors().stream().anyMatch(error -> error.getCategory() != ErrorCategory.DUPLICATE_KEY)) {
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                Entry entry = entries.get(error.getIndex());
                collection.updateOne(older(entry), change(entry));
            }
        }
    }

    private static Bson older(Entry entry) {
        return Filters.and(Filters.eq("_id", idOf(entry)), Filters.lt("sequence", entry.sequence()));
    }

    private static Bson change(Entry entry) {
        return Updates.combine(Updates.set("expiresAt", entry.expiresAt() == null ? null : Date.from(entry.expiresAt())),
                Updates.set("sequence", entry.sequence()));
    }

    /** {@link #recordIfNewer(List)} of one entry. */
    void recordIfNewer(UUID organizationId, UUID userId, Instant expiresAt, long sequence) {
        recordIfNewer(List.of(new Entry(organizationId, userId, expiresAt, sequence)));
    }

    /**
     * {@link #record(List)}, for events that were most likely recorded already (the repair applies every event again):
     * one read of the entries' sequences, and the write of only those entries that are missing or older.
     */
    void recordIfNewer(List<Entry> entries) {
        Map<String, Long> recorded = new HashMap<>();
        collection.find(Filters.in("_id", entries.stream().map(MembershipExpiries::idOf).distinct().toList()))
                .projection(Projections.include("sequence"))
                .forEach(entry -> {
                    Number sequence = entry.get("sequence", Number.class);
                    recorded.put(entry.getString("_id"), sequence == null ? null : sequence.longValue());
                });
        List<Entry> newer = entries.stream().filter(entry -> {
            Long sequence = recorded.get(idOf(entry));
            return sequence == null || sequence < entry.sequence();
        }).toList();
        if (!newer.isEmpty()) {
            record(newer);
        }
    }

    private static String idOf(Entry entry) {
        return entry.organizationId() + ":" + entry.userId();
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
