package io.roster.kit.consumer;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one per-aggregate sequence guard of every consumer: the last sequence number it applied per aggregate, in a
 * collection of its own ({@code {_id: aggregateId, sequence}}). An event at or below it was applied before (a
 * redelivery after a crash, a republish, a re-driven dead letter already applied) and changes nothing, so a read
 * model never steps back and a command triggered by an event is never sent twice.
 *
 * <p>The same document says when the aggregate is <em>parked</em> ({@code parked: {reason, deadLetterId, missing}}):
 * behind a dead letter, or waiting for a sequence number that never arrived. Its later events then wait (see
 * {@link WaitingEvents}) instead of being applied out of order or recorded past the missing one.
 *
 * <p>A batch costs one read (every aggregate of the batch) and one bulk write, whatever its size.
 */
public final class AppliedSequences {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final String SEQUENCE = "sequence";
    private static final String PARKED = "parked";

    private final Supplier<MongoCollection<Document>> collection;
    private final Runnable createIndexes;
    private volatile boolean indexed;

    /** The sequences in {@code collection} of {@code database}, with their index (made on first use). */
    public AppliedSequences(MongoDatabase database, String collection) {
        MongoCollection<Document> fixed = database.getCollection(collection);
        this.collection = () -> fixed;
        this.createIndexes = () -> indexes(fixed);
    }

    /** The sequences in whatever collection {@code collection} answers now (a versioned read model); see {@link #indexes}. */
    public AppliedSequences(Supplier<MongoCollection<Document>> collection) {
        this.collection = collection;
        this.createIndexes = () -> {
        };
    }

    /**
     * Makes the index, once: on first use rather than at start-up, so that a service starts (not ready) while MongoDB
     * is unreachable.
     */
    void ensureIndexes() {
        if (!indexed) {
            createIndexes.run();
            indexed = true;
        }
    }

    /** The index the runtime's queries need (the parked aggregates, for readiness and metrics). */
    public static void indexes(MongoCollection<Document> collection) {
        collection.createIndex(Indexes.ascending(PARKED + ".reason"), new IndexOptions().name("parked").sparse(true));
    }

    /** -1 when nothing of the aggregate was applied. */
    public long lastApplied(String aggregateId) {
        Document document = collection.get().find(Filters.eq("_id", aggregateId)).projection(Projections.include(SEQUENCE)).first();
        return sequenceOf(document);
    }

    /** The last applied sequence of every aggregate that has one. */
    public Map<String, Long> lastApplied(Set<String> aggregateIds) {
        Map<String, Long> result = new HashMap<>();
        collection.get().find(Filters.in("_id", aggregateIds)).projection(Projections.include(SEQUENCE))
                .forEach(d -> {
                    long sequence = sequenceOf(d);
                    if (sequence >= 0) {
                        result.put(d.getString("_id"), sequence);
                    }
                });
        return result;
    }

    /** Many aggregates' sequences in one round trip (a replay into a version nobody else writes to). */
    public void markApplied(Map<String, Long> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = sequences.entrySet().stream()
                .map(e -> new UpdateOneModel<Document>(Filters.eq("_id", e.getKey()), Updates.max(SEQUENCE, e.getValue()), UPSERT))
                .toList();
        collection.get().bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }

    /** The state of each aggregate, one read; aggregates never seen come back fresh. */
    Map<String, AggregateState> states(Set<String> aggregateIds) {
        Map<String, AggregateState> states = new HashMap<>();
        collection.get().find(Filters.in("_id", aggregateIds))
                .forEach(d -> states.put(d.getString("_id"), stateOf(d)));
        aggregateIds.forEach(id -> states.computeIfAbsent(id, AggregateState::fresh));
        return states;
    }

    /** Writes the changed states, one round trip. */
    void write(Collection<AggregateState> states) {
        List<UpdateOneModel<Document>> updates = new ArrayList<>();
        for (AggregateState state : states) {
            if (!state.dirty()) {
                continue;
            }
            List<Bson> changes = new ArrayList<>();
            if (state.last() >= 0) {
                changes.add(Updates.max(SEQUENCE, state.last()));
            }
            changes.add(state.parked() == null ? Updates.unset(PARKED) : Updates.set(PARKED, state.parked().asDocument()));
            updates.add(new UpdateOneModel<>(Filters.eq("_id", state.aggregateId()), Updates.combine(changes), UPSERT));
        }
        if (!updates.isEmpty()) {
            collection.get().bulkWrite(updates, new BulkWriteOptions().ordered(false));
        }
        states.forEach(AggregateState::written);
    }

    /** Every parked aggregate (readiness and metrics; served by the sparse index). */
    List<AggregateState> parked() {
        List<AggregateState> parked = new ArrayList<>();
        collection.get().find(Filters.exists(PARKED + ".reason")).forEach(d -> parked.add(stateOf(d)));
        return parked;
    }

    private static AggregateState stateOf(Document d) {
        Document parked = d.get(PARKED, Document.class);
        return new AggregateState(d.getString("_id"), sequenceOf(d), parked == null ? null : Parked.fromDocument(parked));
    }

    private static long sequenceOf(Document document) {
        Number sequence = document == null ? null : document.get(SEQUENCE, Number.class);
        return sequence == null ? -1 : sequence.longValue();
    }
}
