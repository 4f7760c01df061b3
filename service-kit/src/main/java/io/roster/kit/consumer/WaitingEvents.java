package io.roster.kit.consumer;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * The events of parked aggregates, kept in order until their aggregate is released ({@value #COLLECTION}): the
 * consumer has committed their offsets, so this copy is the only one the consumer will see again. One document per
 * (group, aggregate, sequence): storing a redelivered event twice keeps one copy.
 */
final class WaitingEvents {

    static final String COLLECTION = "consumer-waiting-v1";

    private final MongoCollection<Document> collection;
    private volatile boolean indexed;

    WaitingEvents(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    /** Made on first use, so that a service starts (not ready) while MongoDB is unreachable. */
    void ensureIndexes() {
        if (!indexed) {
            collection.createIndex(Indexes.ascending("group", "aggregateId", "sequence"), new IndexOptions().name("by_aggregate"));
            indexed = true;
        }
    }

    record Waiting(String id, long sequence, StoredRecord record) {
    }

    void store(String group, String aggregateId, long sequence, StoredRecord record) {
        String id = id(group, aggregateId, sequence);
        collection.replaceOne(Filters.eq("_id", id), new Document("_id", id).append("group", group)
                        .append("aggregateId", aggregateId).append("sequence", sequence).append("record", record.asDocument())
                        .append("storedAt", new Date()),
                new ReplaceOptions().upsert(true));
    }

    /** The aggregate's waiting events, lowest sequence first. */
    List<Waiting> of(String group, String aggregateId) {
        List<Waiting> waiting = new ArrayList<>();
        collection.find(Filters.and(Filters.eq("group", group), Filters.eq("aggregateId", aggregateId)))
                .sort(Sorts.ascending("sequence"))
                .forEach(d -> waiting.add(new Waiting(d.getString("_id"), d.get("sequence", Number.class).longValue(),
                        StoredRecord.fromDocument(d.get("record", Document.class)))));
        return waiting;
    }

    long count(String group, String aggregateId) {
        return collection.countDocuments(Filters.and(Filters.eq("group", group), Filters.eq("aggregateId", aggregateId)));
    }

    void delete(Collection<String> ids) {
        if (!ids.isEmpty()) {
            collection.deleteMany(Filters.in("_id", ids));
        }
    }

    private static String id(String group, String aggregateId, long sequence) {
        return group + "|" + aggregateId + "|" + sequence;
    }
}
