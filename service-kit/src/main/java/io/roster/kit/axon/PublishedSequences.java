package io.roster.kit.axon;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.BulkWriteOptions;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per aggregate, the highest sequence number the relay knows to be on Kafka together with every sequence before it
 * (collection {@value #COLLECTION}, one document per aggregate). Written only after Kafka acknowledged, read before an
 * event is sent: an aggregate whose record is behind the event has events before it that must go first.
 */
class PublishedSequences {

    static final String COLLECTION = "relay-published-v1";
    private static final String SEQUENCE = "sequence";
    /** Aggregates per {@code $in} query: a relay batch holds at most {@code roster.relay.batch-size} of them. */
    private static final int CHUNK = 1000;

    private final MongoCollection<Document> collection;

    PublishedSequences(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    /** The recorded sequences of these aggregates; an aggregate the relay never recorded is absent. */
    Map<String, Long> of(Collection<String> aggregateIds) {
        Map<String, Long> sequences = new HashMap<>();
        List<String> all = List.copyOf(aggregateIds);
        for (int from = 0; from < all.size(); from += CHUNK) {
            for (Document document : collection.find(Filters.in("_id", all.subList(from, Math.min(all.size(), from + CHUNK))))) {
                sequences.put(document.getString("_id"), ((Number) document.get(SEQUENCE)).longValue());
            }
        }
        return sequences;
    }

    /** Forgets every record (a republish sends every stored event again, recording them anew). */
    void forgetAll() {
        collection.deleteMany(new Document());
    }

    /** Records these sequences as published, in one bulk write; a recorded higher sequence stays. */
    void record(Map<String, Long> highest) {
        if (highest.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = new ArrayList<>(highest.size());
        highest.forEach((aggregateId, sequence) -> updates.add(new UpdateOneModel<>(Filters.eq("_id", aggregateId),
                Updates.max(SEQUENCE, sequence), new UpdateOptions().upsert(true))));
        collection.bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }
}
