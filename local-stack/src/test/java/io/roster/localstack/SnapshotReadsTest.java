package io.roster.localstack;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import io.roster.testsupport.mongo.SnapshotReadCheck;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The local stack's Mongo-wire server ({@link IndexedH2Backend}) never answers half an update, and keeps every write.
 * Without {@link SnapshotReads}, a crowd signing up through one public link got 995 places of a quota of 1000 (the
 * hot-organization benchmark): stale reservation lists written back by a compare-and-swap that read a torn document.
 */
class SnapshotReadsTest {

    @TempDir
    Path folder;

    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> collection;

    @BeforeEach
    void start() {
        server = new MongoServer(new IndexedH2Backend(folder.resolve("roster.mv").toString()));
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        collection = client.getDatabase("snapshots").getCollection("documents");
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void readsAreNeverTorn() throws InterruptedException {
        SnapshotReadCheck.readsAreNeverTorn(collection);
    }

    @Test
    void writesStick() {
        SnapshotReadCheck.writesStick(collection);
    }
}
