package io.roster.query.consumer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Read-model versions over a real MongoDB-wire server: where each thread reads and writes, and what a restart keeps. */
class ProjectionCollectionsTest {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final MongoDatabase database = client.getDatabase("versions");

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aThreadBoundToTheNextVersionWritesThereWhileEveryoneElseStaysInTheActiveOne() throws Exception {
        ProjectionCollections collections = new ProjectionCollections(database, "PT1S");
        VersionedCollection things = collections.declare("things",
                c -> c.createIndex(Indexes.ascending("name"), new IndexOptions().name("by_name").unique(true)));
        assertThat(collections.activeVersion()).as("a database without a recorded version").isEqualTo(1);
        things.get().insertOne(new Document("_id", "old"));

        collections.prepare(2);
        collections.bound(2, () -> things.get().insertOne(new Document("_id", "new").append("name", "n")));
        // another thread meanwhile: a reader or the live consumer
        List<Document> seenElsewhere = CompletableFuture.supplyAsync(() -> things.get().find().into(new ArrayList<>())).get();

        assertThat(seenElsewhere).extracting(d -> d.getString("_id")).containsExactly("old");
        assertThat(database.getCollection("things-v2").find().into(new ArrayList<>())).extracting(d -> d.getString("_id"))
                .containsExactly("new");
        assertThat(database.getCollection("things-v2").listIndexes().into(new ArrayList<>()))
                .as("the new version has the declared indexes").extracting(d -> d.getString("name")).contains("by_name");

        collections.activate(2);
        assertThat(things.get().find().into(new ArrayList<>())).extracting(d -> d.getString("_id")).containsExactly("new");
        assertThatThrownBy(() -> collections.drop(2)).as("the active version is never dropped").isInstanceOf(IllegalStateException.class);
        collections.drop(1);
        assertThat(database.listCollectionNames().into(new ArrayList<>())).doesNotContain("things-v1").contains("things-v2");

        ProjectionCollections afterRestart = new ProjectionCollections(database, "PT1S");
        assertThat(afterRestart.activeVersion()).as("the active version survives a restart").isEqualTo(2);
        assertThat(afterRestart.declare("things").get().find().first()).containsEntry("_id", "new");
    }

    @Test
    void anotherInstanceFollowsTheSwitchAtItsNextRefresh() {
        ProjectionCollections rebuilding = new ProjectionCollections(database, "PT1S");
        ProjectionCollections other = new ProjectionCollections(database, "PT0S");
        rebuilding.declare("things");
        other.declare("things");

        rebuilding.activate(2);

        assertThat(other.activeVersion()).isEqualTo(2);
    }

    @Test
    void preparingAVersionEmptiesWhatARebuildThatDiedLeftInIt() {
        ProjectionCollections collections = new ProjectionCollections(database, "PT1S");
        VersionedCollection things = collections.declare("things");
        database.getCollection("things-v2").insertOne(new Document("_id", "half-built"));

        collections.prepare(2);

        assertThat(collections.bound(2, () -> things.get().countDocuments())).isZero();
    }
}
