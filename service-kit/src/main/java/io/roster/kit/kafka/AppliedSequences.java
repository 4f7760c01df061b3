package io.roster.kit.kafka;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import org.bson.Document;

/**
 * What makes a consumer of the event topics idempotent: the last sequence number it took in per aggregate, in
 * a collection of its own. An event at or below it was taken in before (a redelivery after a crash, a republish
 * of a command service's event store, a dead letter sent back late) and must change nothing, so a read model never
 * steps back to an older state and a command triggered by an event is never sent twice.
 *
 * <p>Use: {@code if (applied.isNew(e)) { takeIn(e); applied.markApplied(e); }}. Marking after taking in means a crash
 * in between brings the event again, so taking in must itself be safe to repeat.
 */
public final class AppliedSequences {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> collection;

    public AppliedSequences(MongoDatabase database, String collection) {
        this.collection = database.getCollection(collection);
    }

    /** Whether the event comes after everything of its aggregate taken in so far. */
    public boolean isNew(EventEnvelope envelope) {
        Document last = collection.find(Filters.eq("_id", envelope.aggregateId())).projection(Projections.include("sequence")).first();
        return last == null || envelope.sequenceNumber() > last.get("sequence", Number.class).longValue();
    }

    public void markApplied(EventEnvelope envelope) {
        collection.updateOne(Filters.eq("_id", envelope.aggregateId()), Updates.max("sequence", envelope.sequenceNumber()), UPSERT);
    }
}
