package io.roster.kit.axon;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static io.roster.kit.axon.OutboxStorageStrategy.FIELDS;
import static io.roster.kit.axon.OutboxStorageStrategy.PENDING;

/**
 * The event store as the relay's outbox: which stored events still wait for Kafka (flagged by
 * {@link OutboxStorageStrategy}), clearing the flag of those Kafka acknowledged, and reading an aggregate's events
 * back (upcast and deserialized, as the tracking processor delivers them) to publish them.
 */
class UnpublishedEvents {

    private static final Bson WAITING = Filters.eq(PENDING, true);
    private static final Bson KEY_FIELDS = Projections.include(FIELDS.aggregateIdentifierProperty(),
            FIELDS.sequenceNumberProperty(), FIELDS.timestampProperty(), FIELDS.payloadTypeProperty());

    private final MongoTemplate template;
    private final EventStorageEngine storage;

    UnpublishedEvents(MongoTemplate template, EventStorageEngine storage) {
        this.template = template;
        this.storage = storage;
    }

    /** A stored event as the relay's bookkeeping sees it. */
    record StoredEvent(String aggregateId, long sequence, Instant timestamp, String payloadType) {
    }

    /** The waiting event stamped earliest, if any event waits. */
    Optional<StoredEvent> oldest() {
        return Optional.ofNullable(events().find(WAITING).projection(KEY_FIELDS)
                .sort(Sorts.ascending(FIELDS.timestampProperty())).limit(1).first()).map(UnpublishedEvents::stored);
    }

    /** Waiting events stamped before {@code cutoff}, earliest first, at most {@code limit}. */
    List<StoredEvent> stampedBefore(Instant cutoff, int limit) {
        List<StoredEvent> found = new ArrayList<>();
        events().find(Filters.and(WAITING, Filters.lt(FIELDS.timestampProperty(), DateTimeUtils.formatInstant(cutoff))))
                .projection(KEY_FIELDS).sort(Sorts.ascending(FIELDS.timestampProperty())).limit(limit)
                .forEach(document -> found.add(stored(document)));
        return found;
    }

    /** The lowest waiting sequence of the aggregate below {@code before}. */
    OptionalLong firstWaiting(String aggregateId, long before) {
        Document first = events().find(Filters.and(Filters.eq(FIELDS.aggregateIdentifierProperty(), aggregateId),
                        WAITING, Filters.lt(FIELDS.sequenceNumberProperty(), before)))
                .projection(KEY_FIELDS).sort(Sorts.ascending(FIELDS.sequenceNumberProperty())).limit(1).first();
        return first == null ? OptionalLong.empty() : OptionalLong.of(stored(first).sequence());
    }

    /** The stored event with this aggregate and sequence, if stored. */
    Optional<StoredEvent> find(String aggregateId, long sequence) {
        return Optional.ofNullable(events().find(byKey(aggregateId, sequence)).projection(KEY_FIELDS).first())
                .map(UnpublishedEvents::stored);
    }

    /**
     * Clears the flag of these events (aggregate id and sequence), one bulk write whose every update is answered by the
     * event store's unique (aggregate, sequence) index.
     */
    void published(Collection<Key> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = new ArrayList<>(keys.size());
        for (Key key : keys) {
            updates.add(new UpdateOneModel<>(byKey(key.aggregateId(), key.sequence()), Updates.unset(PENDING)));
        }
        events().bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }

    /** The aggregate's stored events from {@code firstSequence} on, as the tracking processor would deliver them. */
    DomainEventStream read(String aggregateId, long firstSequence) {
        return storage.readEvents(aggregateId, firstSequence);
    }

    /** One event, by its aggregate and sequence. */
    record Key(String aggregateId, long sequence) {
    }

    /**
     * Exactly the unique index's fields, as a plain document: {@code Filters.and} renders {@code $and}, which the
     * Mongo-wire server of the tests and the local stack cannot answer from an index (it scans the collection).
     */
    private static Document byKey(String aggregateId, long sequence) {
        return new Document(FIELDS.aggregateIdentifierProperty(), aggregateId).append(FIELDS.sequenceNumberProperty(), sequence);
    }

    MongoCollection<Document> events() {
        return template.eventCollection();
    }

    static StoredEvent stored(Document document) {
        Object timestamp = document.get(FIELDS.timestampProperty());
        return new StoredEvent(document.getString(FIELDS.aggregateIdentifierProperty()),
                ((Number) document.get(FIELDS.sequenceNumberProperty())).longValue(),
                timestamp == null ? null : DateTimeUtils.parseInstant(timestamp.toString()),
                document.getString(FIELDS.payloadTypeProperty()));
    }
}
