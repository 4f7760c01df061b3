package io.roster.invitation.directory;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.WriteModel;
import io.roster.kit.consumer.HeldToBatchEnd;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory's writes of a poll, made at its end with one ordered bulk write per collection instead of a round trip
 * per event: an organization setting up its teams, or a crowd registering, is a few commands. Nothing reads the
 * directory while its consumer applies a poll, and the poll is recorded as applied only after these writes (so
 * {@link IdentityConsistencyFilter} waits for them). Each write is by id and absorbs a repeat (an upsert, a replace, a
 * delete), as a poll applied again after a failure needs.
 */
@Component
class DirectoryWrites extends HeldToBatchEnd<DirectoryWrites.Write> {

    /** One write to one of the directory's collections. */
    record Write(MongoCollection<Document> collection, WriteModel<Document> model) {
    }

    void add(MongoCollection<Document> collection, WriteModel<Document> model) {
        hold(new Write(collection, model));
    }

    /** Ordered within a collection: two events of one document (a team created, then renamed) are written as they came. */
    @Override
    protected void actOn(List<Held<Write>> items) {
        Map<MongoCollection<Document>, List<WriteModel<Document>>> byCollection = new LinkedHashMap<>();
        items.forEach(held -> byCollection.computeIfAbsent(held.item().collection(), c -> new ArrayList<>()).add(held.item().model()));
        byCollection.forEach(MongoCollection::bulkWrite);
    }
}
