package io.roster.notification.trigger;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import org.bson.Document;
import org.springframework.stereotype.Component;

/**
 * The last sequence number taken in per aggregate ({@code applied-sequences-v1}), as the query service keeps
 * one: an event at or below it was taken in before (a redelivery, a republish, a dead letter sent back late)
 * and changes nothing, so the users, organizations and memberships this service keeps never step back to an
 * older state.
 */
@Component
class AppliedSequences {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> collection;

    AppliedSequences(MongoDatabase database) {
        this.collection = database.getCollection("applied-sequences-v1");
    }

    /** Whether the event comes after everything of its aggregate taken in so far. */
    boolean isNew(EventEnvelope envelope) {
        Document last = collection.find(Filters.eq("_id", envelope.aggregateId())).projection(Projections.include("sequence")).first();
        return last == null || envelope.sequenceNumber() > last.get("sequence", Number.class).longValue();
    }

    /** Recorded after the event was taken in: if the service dies before, the event comes again and is taken in again. */
    void markApplied(EventEnvelope envelope) {
        collection.updateOne(Filters.eq("_id", envelope.aggregateId()), Updates.max("sequence", envelope.sequenceNumber()), UPSERT);
    }
}
