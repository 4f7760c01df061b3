package io.roster.query.consumer;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The last sequence number applied per aggregate. It makes redelivered and replayed events no-ops,
 * and it is what a Consistency-Token waits for.
 */
@Component
public class AppliedSequences {

    private final MongoCollection<Document> collection;

    AppliedSequences(MongoDatabase database) {
        this.collection = database.getCollection("applied-sequences-v1");
    }

    /** -1 when nothing of the aggregate was applied. */
    public long lastApplied(String aggregateId) {
        Document document = collection.find(Filters.eq("_id", aggregateId)).first();
        return document == null ? -1 : document.getLong("sequence");
    }

    public Map<String, Long> lastApplied(Set<String> aggregateIds) {
        Map<String, Long> result = new HashMap<>();
        collection.find(Filters.in("_id", aggregateIds)).projection(Projections.include("sequence"))
                .forEach(d -> result.put(d.getString("_id"), d.getLong("sequence")));
        return result;
    }

    void markApplied(String aggregateId, long sequence) {
        collection.updateOne(Filters.eq("_id", aggregateId), Updates.max("sequence", sequence), new UpdateOptions().upsert(true));
    }
}
