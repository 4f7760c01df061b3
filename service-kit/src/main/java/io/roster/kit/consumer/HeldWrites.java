package io.roster.kit.consumer;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consumer's writes held to its batch's end and made with one ordered bulk write per collection, instead of a round
 * trip per event: for a read model that its own consumer does not read while it applies a batch (others read it only
 * after the batch is recorded as applied, or without any order to the topic). Within a collection the writes keep the
 * events' order (a team created, then renamed); an ordered bulk write sends a command per run of one kind of write.
 * The writes must absorb a repeat, as a batch applied again after a failure needs. One instance per consumer: it holds
 * the batch of the consumer's thread.
 */
public final class HeldWrites extends HeldToBatchEnd<HeldWrites.Write> {

    /** One write to one collection. */
    public record Write(MongoCollection<Document> collection, WriteModel<Document> model) {
    }

    /** For the batch's end; called by a handler. */
    public void add(MongoCollection<Document> collection, WriteModel<Document> model) {
        hold(new Write(collection, model));
    }

    @Override
    protected void actOn(List<Held<Write>> items) {
        Map<MongoCollection<Document>, List<WriteModel<Document>>> byCollection = new LinkedHashMap<>();
        items.forEach(held -> byCollection.computeIfAbsent(held.item().collection(), c -> new ArrayList<>()).add(held.item().model()));
        byCollection.forEach(MongoCollection::bulkWrite);
    }
}
