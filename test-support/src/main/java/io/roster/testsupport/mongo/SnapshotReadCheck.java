package io.roster.testsupport.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What an embedded Mongo-wire server must do for Roster's compare-and-swap writes to hold, as MongoDB does: a read never
 * answers half an update, and every write sticks. Used by the tests of the service tests' server
 * ({@link SnapshotMemoryBackend}) and of the local stack's.
 */
public final class SnapshotReadCheck {

    private static final int FIELDS = 40;
    private static final int READS = 3_000;

    private SnapshotReadCheck() {
    }

    /** Both checks on a server with this backend, each on a collection of its own. */
    public static void holdsOn(MongoBackend backend) throws InterruptedException {
        MongoServer server = new MongoServer(backend);
        InetSocketAddress address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoDatabase database = client.getDatabase("snapshot-read-check");
            readsAreNeverTorn(database.getCollection("torn"));
            writesStick(database.getCollection("writes"));
        } finally {
            server.shutdownNow();
        }
    }

    /**
     * One writer sets all {@value #FIELDS} fields of a document to the same number again and again; {@value #READS}
     * reads by find, then as many as findAndModify's answers, must each see them all equal.
     */
    public static void readsAreNeverTorn(MongoCollection<Document> collection) throws InterruptedException {
        collection.insertOne(fields(new Document("_id", "torn"), 0));
        List<Document> found = tornWhileAWriterRuns(collection, () -> collection.find(Filters.eq("_id", "torn")).first());
        check(found.isEmpty(), found.size() + " documents found half updated, e.g. " + found.stream().findFirst().orElse(null));
        FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
        List<Document> answered = tornWhileAWriterRuns(collection, () -> collection.findOneAndUpdate(Filters.eq("_id", "torn"),
                Updates.inc("reads", 1), after));
        check(answered.isEmpty(), answered.size() + " findAndModify answers half updated, e.g. " + answered.stream().findFirst().orElse(null));
    }

    /** updateOne, findAndModify, updateMany, deleteOne and a cursor's later batches (getMore) see every write. */
    public static void writesStick(MongoCollection<Document> collection) {
        collection.insertMany(List.of(new Document("_id", "d").append("a", 0).append("b", 0),
                new Document("_id", "e").append("n", 1), new Document("_id", "f").append("n", 1)));
        collection.updateOne(Filters.eq("_id", "d"), Updates.set("a", 7));
        collection.findOneAndUpdate(Filters.eq("_id", "d"), Updates.set("b", 8));
        collection.updateMany(Filters.in("_id", "e", "f"), Updates.inc("n", 1));
        collection.deleteOne(Filters.eq("_id", "f"));
        Document d = collection.find(Filters.eq("_id", "d")).first();
        check(new Document("_id", "d").append("a", 7).append("b", 8).equals(d), "updateOne and findAndModify kept: " + d);
        List<Document> left = collection.find(Filters.in("_id", "e", "f")).into(new ArrayList<>());
        check(List.of(new Document("_id", "e").append("n", 2)).equals(left), "updateMany and deleteOne kept: " + left);
        for (int i = 0; i < 250; i++) {
            collection.insertOne(new Document("_id", "many-" + i).append("n", 0));
        }
        collection.updateMany(Filters.regex("_id", "^many-"), Updates.set("n", 1));
        List<Document> many = collection.find(Filters.regex("_id", "^many-")).batchSize(50).into(new ArrayList<>());
        check(many.size() == 250 && many.stream().allMatch(document -> document.getInteger("n") == 1),
                "a cursor's batches see updateMany: " + many.stream().filter(document -> document.getInteger("n") != 1).count()
                        + " of " + many.size() + " not updated");
    }

    private static List<Document> tornWhileAWriterRuns(MongoCollection<Document> collection, Supplier<Document> read)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 1; !stop.get(); i++) {
                    List<Bson> sets = new ArrayList<>();
                    for (int f = 0; f < FIELDS; f++) {
                        sets.add(Updates.set("f" + f, List.of(i, "value " + i)));
                    }
                    collection.updateOne(Filters.eq("_id", "torn"), Updates.combine(sets));
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
        check(writerFailure.get() == null, "the writer failed: " + writerFailure.get());
        check(!List.of(0, "value 0").equals(collection.find(Filters.eq("_id", "torn")).first().get("f0")), "the writer's updates were kept");
        return torn;
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }

    private static Document fields(Document document, int value) {
        for (int f = 0; f < FIELDS; f++) {
            document.append("f" + f, List.of(value, "value " + value));
        }
        return document;
    }
}
