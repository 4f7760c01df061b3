package io.roster.kit.axon;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import io.roster.events.RosterEvent;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.DocumentPerEventStorageStrategy;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.EventEntryConfiguration;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Axon's document-per-event storage with one field more on every Roster event: {@code relayPending: true}, written in
 * the insert that stores the event. The relay removes it once Kafka has acknowledged the event. So the events still
 * waiting for Kafka are a query away whatever their timestamps: the tracking processor reads by timestamp and cannot
 * see an event that became visible more than its look-back after it was stamped, the flag can.
 *
 * <p>On MongoDB a partial index holds only the flagged documents, so finding them costs what is waiting, not what is
 * stored (the Mongo-wire server of the tests ignores it and scans).
 */
class OutboxStorageStrategy extends DocumentPerEventStorageStrategy {

    static final String PENDING = "relayPending";
    static final String PENDING_INDEX = "relayPendingIndex";
    static final EventEntryConfiguration FIELDS = EventEntryConfiguration.getDefault();

    OutboxStorageStrategy(Duration lookBack) {
        super(FIELDS, lookBack);
    }

    @Override
    protected Stream<Document> createEventDocuments(List<? extends EventMessage<?>> events, Serializer serializer) {
        List<Document> documents = super.createEventDocuments(events, serializer).toList();
        for (int i = 0; i < documents.size(); i++) {
            // only what the relay publishes waits for it: an event nobody relays would look late forever
            if (RosterEvent.class.isAssignableFrom(events.get(i).getPayloadType())) {
                documents.get(i).append(PENDING, true);
            }
        }
        return documents.stream();
    }

    @Override
    public void ensureIndexes(MongoCollection<Document> eventsCollection, MongoCollection<Document> snapshotsCollection) {
        super.ensureIndexes(eventsCollection, snapshotsCollection);
        eventsCollection.createIndex(new Document(PENDING, 1).append(FIELDS.timestampProperty(), 1),
                new IndexOptions().name(PENDING_INDEX).partialFilterExpression(new Document(PENDING, true)));
    }
}
