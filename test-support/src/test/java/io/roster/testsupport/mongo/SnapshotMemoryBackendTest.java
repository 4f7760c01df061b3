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
        return torn;
    }

    private static Document fields(Document document, int value) {
        for (int f = 0; f < FIELDS; f++) {
            document.append("f" + f, List.of(value, "value " + value));
        }
        return document;
    }
}
