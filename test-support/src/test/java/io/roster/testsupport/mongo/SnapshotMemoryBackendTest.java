package io.roster.testsupport.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read never sees half of an update: one writer sets all {@value #FIELDS} fields of a document to the same number
 * again and again, and every document a reader gets (by find, and as findAndModify's answer) has them all equal. The
 * stock in-memory backend fails this within a few thousand reads (its reads serialize the stored object while an
 * update rewrites it).
 */
class SnapshotMemoryBackendTest {

    private static final int FIELDS = 40;
    private static final int READS = 3_000;

    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> collection;

    @BeforeEach
    void start() {
        server = new MongoServer(new SnapshotMemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        collection = client.getDatabase("snapshots").getCollection("documents");
        collection.insertOne(fields(new Document("_id", "d"), 0));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void updatesStickAndEveryReadSeesThem() {
        collection.updateOne(Filters.eq("_id", "d"), Updates.set("f0", List.of(7, "value 7")));
        collection.findOneAndUpdate(Filters.eq("_id", "d"), Updates.set("f1", List.of(8, "value 8")));
        collection.insertMany(List.of(new Document("_id", "e").append("n", 1), new Document("_id", "f").append("n", 1)));
        collection.updateMany(Filters.in("_id", "e", "f"), Updates.inc("n", 1));
        collection.deleteOne(Filters.eq("_id", "f"));

        Document d = collection.find(Filters.eq("_id", "d")).first();
        assertThat(d.get("f0")).isEqualTo(List.of(7, "value 7"));
        assertThat(d.get("f1")).isEqualTo(List.of(8, "value 8"));
        assertThat(collection.find(Filters.in("_id", "e", "f")).into(new ArrayList<>()))
                .containsExactly(new Document("_id", "e").append("n", 2));
        // a cursor's later batches (getMore) too
        for (int i = 0; i < 250; i++) {
            collection.insertOne(new Document("_id", "many-" + i).append("n", 0));
        }
        collection.updateMany(Filters.regex("_id", "^many-"), Updates.set("n", 1));
        assertThat(collection.find(Filters.regex("_id", "^many-")).batchSize(50).into(new ArrayList<>()))
                .hasSize(250).allMatch(document -> document.getInteger("n") == 1);
    }

    @Test
    void aFindNeverSeesHalfAnUpdate() throws Exception {
        assertThat(tornWhileAWriterRuns(() -> collection.find(Filters.eq("_id", "d")).first())).isEmpty();
    }

    @Test
    void aFindAndModifyAnswerIsNeverHalfAnUpdate() throws Exception {
        FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
        assertThat(tornWhileAWriterRuns(() -> collection.findOneAndUpdate(Filters.eq("_id", "d"), Updates.set("reads", 1), after)))
                .isEmpty();
    }

    /** The documents read, while the writer runs, whose fields differ (none expected); {@value #READS} reads. */
    private List<Document> tornWhileAWriterRuns(java.util.function.Supplier<Document> read) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 1; !stop.get(); i++) {
                    List<Bson> sets = new ArrayList<>();
                    for (int f = 0; f < FIELDS; f++) {
                        sets.add(Updates.set("f" + f, List.of(i, "value " + i)));
                    }
                    collection.updateOne(Filters.eq("_id", "d"), Updates.combine(sets));
                }
            } catch (RuntimeException e) {
                writerFailure.set(e);
            }
        }, "writer");
        writer.start();
        List<Document> torn = new ArrayList<>();
        try {
            for (int r = 0; r < READS; r++) {
                Document document = read.get();
                Set<Object> values = new HashSet<>();
                for (int f = 0; f < FIELDS; f++) {
                    values.add(document.get("f" + f));
                }
                if (values.size() != 1) {
                    torn.add(document);
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).as("the writer's failure").isNull();
        assertThat(collection.find(Filters.eq("_id", "d")).first().get("f0")).as("the writer's last update")
                .isNotEqualTo(List.of(0, "value 0"));
        return torn;
    }

    private static Document fields(Document document, int value) {
        for (int f = 0; f < FIELDS; f++) {
            document.append("f" + f, List.of(value, "value " + value));
        }
        return document;
    }
}
