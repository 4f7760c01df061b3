package io.roster.testsupport.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

/**
 * The service tests' Mongo-wire server never answers half an update, and keeps every write. With the stock
 * in-memory backend instead, {@code readsAreNeverTorn} finds torn documents within a few thousand reads.
 */
class SnapshotMemoryBackendTest {

    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> collection;

    @BeforeEach
    void start() {
        server = new MongoServer(new SnapshotMemoryBackend());
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
