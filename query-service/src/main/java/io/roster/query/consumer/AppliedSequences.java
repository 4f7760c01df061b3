package io.roster.query.consumer;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last sequence number applied per aggregate ({@code applied-sequences}, one per read-model version).
 * It makes redelivered and replayed events no-ops, and it is what a Consistency-Token waits for.
 */
@Component
public class AppliedSequences {

    public static final String COLLECTION = "applied-sequences";
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final VersionedCollection collection;

    AppliedSequences(ProjectionCollections collections) {
        this.collection = collections.declare(COLLECTION);
    }

    /** -1 when nothing of the aggregate was applied. */
    public long lastApplied(String aggregateId) {
        Document document = collection.get().find(Filters.eq("_id", aggregateId)).first();
        return document == null ? -1 : document.getLong("sequence");
    }

    public Map<String, Long> lastApplied(Set<String> aggregateIds) {
        Map<String, Long> result = new HashMap<>();
        collection.get().find(Filters.in("_id", aggregateIds)).projection(Projections.include("sequence"))
                .forEach(d -> result.put(d.getString("_id"), d.getLong("sequence")));
        return result;
    }

    void markApplied(String aggregateId, long sequence) {
        collection.get().updateOne(Filters.eq("_id", aggregateId), Updates.max("sequence", sequence), UPSERT);
    }

    /** Many aggregates' sequences in one round trip: a replay keeps them in memory and writes them per batch. */
    public void markApplied(Map<String, Long> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = sequences.entrySet().stream()
                .map(e -> new UpdateOneModel<Document>(Filters.eq("_id", e.getKey()), Updates.max("sequence", e.getValue()), UPSERT))
                .toList();
        collection.get().bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }
}
