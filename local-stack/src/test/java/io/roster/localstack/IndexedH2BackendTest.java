package io.roster.localstack;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexedH2BackendTest {

    @TempDir
    Path folder;

    @Test
    void aFilterOfAUniqueKeyAndMoreMatchesExactlyWhatTheWholeFilterSays() {
        withCollection(folder.resolve("roster.mv"), deliveries -> {
            deliveries.createIndex(Indexes.ascending("triggeringEventId"), new IndexOptions().unique(true));
            deliveries.insertMany(List.of(
                    new Document("_id", "a").append("triggeringEventId", "e1").append("leaseToken", "x").append("status", "claimed"),
                    new Document("_id", "b").append("triggeringEventId", "e2").append("leaseToken", "y").append("status", "sent"),
                    new Document("_id", "c").append("triggeringEventId", "e3").append("status", "pending")));

            assertThat(deliveries.updateOne(Filters.and(Filters.eq("_id", "a"), Filters.eq("leaseToken", "x")),
                    Updates.set("status", "sending")).getModifiedCount()).isEqualTo(1);
            assertThat(deliveries.updateOne(Filters.and(Filters.eq("_id", "a"), Filters.eq("leaseToken", "y")),
                    Updates.set("status", "lost")).getModifiedCount()).isZero();
            assertThat(deliveries.find(Filters.and(Filters.eq("_id", "a"), Filters.in("status", "sending", "sent"))).first())
                    .isNotNull();
            assertThat(ids(deliveries.find(Filters.and(Filters.in("_id", "a", "b", "c"), Filters.exists("leaseToken")))))
                    .containsExactlyInAnyOrder("a", "b");
            assertThat(ids(deliveries.find(Filters.and(Filters.eq("triggeringEventId", "e3"), Filters.eq("status", "pending")))))
                    .containsExactly("c");
            assertThat(deliveries.findOneAndUpdate(Filters.and(Filters.eq("_id", "zzz"), Filters.eq("status", "pending")),
                    Updates.set("status", "claimed"))).isNull();
        });
    }

    /**
     * The shape of the event store's tracking query: a timestamp range through the (timestamp, sequenceNumber) index, and
     * a long {@code $nin} of the event ids already seen (Axon's token holds every id of its look-back window). A missing
     * field, an array and a number are read as MongoDB reads them.
     */
    @Test
    void aLongNotInOfStringsAnswersExactlyWhatTheWholeFilterSays() {
        withCollection(folder.resolve("roster.mv"), events -> {
            events.createIndex(Indexes.ascending("timestamp", "sequenceNumber"));
            List<Document> stored = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                stored.add(new Document("_id", "d" + i).append("timestamp", i).append("sequenceNumber", 0L).append("eventIdentifier", "e" + i));
            }
            stored.add(new Document("_id", "missing").append("timestamp", 50).append("sequenceNumber", 1L));
            stored.add(new Document("_id", "array-seen").append("timestamp", 50).append("sequenceNumber", 2L)
                    .append("eventIdentifier", List.of("e20", "z")));
            stored.add(new Document("_id", "array-new").append("timestamp", 50).append("sequenceNumber", 3L)
                    .append("eventIdentifier", List.of("y", "z")));
            stored.add(new Document("_id", "number").append("timestamp", 50).append("sequenceNumber", 4L).append("eventIdentifier", 20));
            events.insertMany(stored);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                seen.add("e" + i);
            }

            List<String> found = ids(events.find(Filters.and(Filters.gte("timestamp", 10), Filters.nin("eventIdentifier", seen)))
                    .sort(new Document("timestamp", 1).append("sequenceNumber", 1)));

            List<String> expected = new ArrayList<>(List.of("missing", "array-new", "number"));
            for (int i = 60; i < 100; i++) {
                expected.add("d" + i);
            }
            assertThat(found).containsExactlyElementsOf(expected);

            // and the same list in $in (with one more value): a string absent from it is turned away, an array matches
            // by any element
            List<String> wanted = new ArrayList<>(seen);
            wanted.add("z");
            List<String> in = ids(events.find(Filters.and(Filters.gte("timestamp", 10), Filters.in("eventIdentifier", wanted)))
                    .sort(new Document("timestamp", 1).append("sequenceNumber", 1)));
            List<String> expectedIn = new ArrayList<>();
            for (int i = 10; i < 60; i++) {
                expectedIn.add("d" + i);
                if (i == 50) {
                    expectedIn.addAll(List.of("array-seen", "array-new"));
                }
            }
            assertThat(in).containsExactlyElementsOf(expectedIn);
        });
    }

    /**
     * The services write with {@code w: majority, j: true}, read with {@code readConcern: majority} and retry writes
     * (service-kit's MongoConfiguration); the local stack's server takes all of it. It is one node without journal or
     * replication, so it acknowledges what it holds; and it offers no sessions, so the driver retries no write there.
     */
    @Test
    void theServicesDurableWriteAndReadConcernsAreAccepted() {
        Path file = folder.resolve("durable.mv");
        String options = "/?w=majority&journal=true&readConcernLevel=majority&retryWrites=true";
        withCollection(file, options, deliveries -> {
            deliveries.createIndex(Indexes.ascending("triggeringEventId"), new IndexOptions().unique(true));
            deliveries.insertOne(new Document("_id", "a").append("triggeringEventId", "e1").append("status", "pending"));
            assertThat(deliveries.findOneAndUpdate(Filters.and(Filters.eq("_id", "a"), Filters.eq("status", "pending")),
                    Updates.set("status", "claimed"))).isNotNull();
            assertThat(deliveries.updateMany(Filters.in("_id", "a", "b"), Updates.set("leaseToken", "x")).getModifiedCount()).isEqualTo(1);
            assertThat(deliveries.countDocuments(Filters.eq("status", "claimed"))).isEqualTo(1);
            assertThat(deliveries.aggregate(List.of(new Document("$match", new Document("leaseToken", "x")))).first()).isNotNull();
            assertThatThrownBy(() -> deliveries.insertOne(new Document("_id", "b").append("triggeringEventId", "e1")))
                    .isInstanceOf(MongoWriteException.class);
        });
        withCollection(file, options, deliveries -> assertThat(ids(deliveries.find(Filters.eq("leaseToken", "x")))).containsExactly("a"));
    }

    @Test
    void reopenedDataKeepsItsDocumentsAndUniqueIndexes() {
        Path file = folder.resolve("reopened.mv");
        withCollection(file, deliveries -> {
            deliveries.createIndex(Indexes.ascending("triggeringEventId"), new IndexOptions().unique(true));
            deliveries.insertOne(new Document("_id", "a").append("triggeringEventId", "e1").append("status", "pending"));
            deliveries.insertOne(new Document("_id", "c").append("triggeringEventId", "e2"));
            deliveries.updateOne(Filters.eq("_id", "c"), Updates.set("triggeringEventId", "e3"));
            deliveries.insertOne(new Document("_id", "d").append("triggeringEventId", "e4"));
            deliveries.deleteOne(Filters.eq("_id", "d"));
        });
        // the unique indexes live in memory and are rebuilt from the documents when the file opens again
        withCollection(file, deliveries -> {
            assertThat(ids(deliveries.find(Filters.and(Filters.eq("_id", "a"), Filters.eq("status", "pending"))))).containsExactly("a");
            assertThat(ids(deliveries.find(Filters.eq("triggeringEventId", "e3")))).containsExactly("c");
            assertThatThrownBy(() -> deliveries.insertOne(new Document("_id", "b").append("triggeringEventId", "e1")))
                    .isInstanceOf(MongoWriteException.class);
            assertThatThrownBy(() -> deliveries.insertOne(new Document("_id", "a").append("triggeringEventId", "e9")))
                    .isInstanceOf(MongoWriteException.class);
            assertThatThrownBy(() -> deliveries.insertOne(new Document("_id", "b").append("triggeringEventId", "e3")))
                    .isInstanceOf(MongoWriteException.class);
            deliveries.insertOne(new Document("_id", "b").append("triggeringEventId", "e2"));
            deliveries.insertOne(new Document("_id", "d").append("triggeringEventId", "e4"));
            assertThat(deliveries.countDocuments()).isEqualTo(4);
        });
    }

    private static List<String> ids(Iterable<Document> documents) {
        List<String> ids = new ArrayList<>();
        documents.forEach(d -> ids.add(d.getString("_id")));
        return ids;
    }

    private static void withCollection(Path file, Consumer<MongoCollection<Document>> test) {
        withCollection(file, "", test);
    }

    private static void withCollection(Path file, String uriOptions, Consumer<MongoCollection<Document>> test) {
        MongoServer server = new MongoServer(new IndexedH2Backend(file.toString()));
        try {
            server.bind("127.0.0.1", 0);
            InetSocketAddress address = server.getLocalAddress();
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort() + uriOptions)) {
                test.accept(client.getDatabase("test").getCollection("deliveries"));
            }
        } finally {
            server.shutdownNow();
        }
    }
}
