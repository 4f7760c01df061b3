package io.roster.query.audit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Every event of the three topics ({@code audit-events}, versioned like every read model), one document per event id, secrets removed. It is
 * the source of the timeline, the export and the membership at a past instant. Written once per event: the
 * first write of an event id stays, as an audit record should.
 */
@Component
public class AuditLog {

    public static final String COLLECTION = "audit-events";
    /** Small enough to start streaming at once, large enough not to make a round trip per few events. */
    private static final int BATCH_SIZE = 500;
    private static final Bson TIMELINE_ORDER = Sorts.ascending(AuditEntry.POSITION, AuditEntry.ID);
    private static final Bson STREAM_ORDER = Sorts.ascending(AuditEntry.AGGREGATE_ID, AuditEntry.SEQUENCE);

    private final VersionedCollection collection;

    AuditLog(ProjectionCollections collections) {
        this.collection = collections.declare(COLLECTION, AuditLog::createIndexes);
    }

    /**
     * One index per query shape. The timeline's filters put their equality between the organization and the
     * position, so each stays an index walk in timeline order and {@code from}/{@code to} bound it.
     * mongo-java-server ignores non-unique compound indexes (with a warning); production MongoDB uses them.
     */
    private static void createIndexes(MongoCollection<Document> collection) {
        collection.createIndex(Indexes.ascending(AuditEntry.ORGANIZATION_ID, AuditEntry.POSITION, AuditEntry.ID),
                new IndexOptions().name("timeline"));
        collection.createIndex(Indexes.ascending(AuditEntry.ORGANIZATION_ID, AuditEntry.NAME, AuditEntry.POSITION, AuditEntry.ID),
                new IndexOptions().name("timeline_by_type"));
        collection.createIndex(Indexes.ascending(AuditEntry.ORGANIZATION_ID, AuditEntry.ACTOR_ID, AuditEntry.POSITION, AuditEntry.ID),
                new IndexOptions().name("timeline_by_actor"));
        // an aggregate's stream in order: the fold of an organization's membership, and its users' profiles
        collection.createIndex(Indexes.ascending(AuditEntry.AGGREGATE_ID, AuditEntry.SEQUENCE), new IndexOptions().name("stream"));
    }

    /** @return whether the event was new; a redelivered or replayed event changes nothing */
    boolean record(AuditEntry entry) {
        try {
            collection.get().insertOne(entry.asDocument());
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Many entries in one unordered insert. Those recorded before (a redelivered or replayed batch) are refused
     * as duplicates and stay as they were; the others go in.
     */
    void recordAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            collection.get().insertMany(entries.stream().map(AuditEntry::asDocument).toList(), new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            boolean onlyDuplicates = e.getWriteConcernError() == null && e.getWriteErrors().stream()
                    .allMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!onlyDuplicates) {
                throw e;
            }
        }
    }

    /** Up to {@code limit} entries of the filter, in timeline order. */
    List<AuditEntry> page(TimelineFilter filter, int limit) {
        return collection.get().find(filter.toBson()).sort(TIMELINE_ORDER).limit(limit)
                .map(AuditEntry::from).into(new ArrayList<>(limit));
    }

    /** Every entry of the filter in timeline order, fetched batch by batch as the caller iterates. */
    MongoIterable<AuditEntry> stream(TimelineFilter filter) {
        return collection.get().find(filter.toBson()).sort(TIMELINE_ORDER).batchSize(BATCH_SIZE).map(AuditEntry::from);
    }

    /** The events of one aggregate in stream order (an organization's: its memberships and teams). */
    public MongoIterable<AuditEntry> streamOf(String aggregateId) {
        return collection.get().find(Filters.eq(AuditEntry.AGGREGATE_ID, aggregateId)).sort(STREAM_ORDER)
                .batchSize(BATCH_SIZE).map(AuditEntry::from);
    }

    /** The events of the given short names of several aggregates, each aggregate's in stream order. */
    public MongoIterable<AuditEntry> streamsOf(Collection<String> aggregateIds, Collection<String> names) {
        return collection.get().find(Filters.and(Filters.in(AuditEntry.AGGREGATE_ID, aggregateIds), Filters.in(AuditEntry.NAME, names)))
                .sort(STREAM_ORDER).batchSize(BATCH_SIZE).map(AuditEntry::from);
    }
}
