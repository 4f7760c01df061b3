package io.roster.localstack;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import io.roster.testsupport.mongo.IndexedQueryCheck;
import org.assertj.core.api.SoftAssertions;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The secondary indexes of {@link IndexedH2Backend} change what a query costs, never what it returns: test-support's
 * {@link IndexedQueryCheck} (random writes and queries compared with a scan), also after the server reopens its file;
 * concurrent writers; dropped indexes and collections. Figures go to target/indexed-h2-random-queries-report.txt and
 * target/indexed-h2-concurrent-writers-report.txt. The planner's own unit test is embedded-mongo's IndexPlannerTest.
 */
class IndexedH2BackendSecondaryIndexTest {

    private static final Logger log = LoggerFactory.getLogger(IndexedH2BackendSecondaryIndexTest.class);
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> NAMES = List.of("ann", "bob", "cy", "dee", "eve");

    @TempDir
    Path folder;

    private final List<String> report = new ArrayList<>();

    /** The shared check (also run on the service tests' server), reopening the file half-way. */
    @Test
    void randomQueriesGiveWhatAFullScanGivesThroughRandomWritesAndARestart() throws IOException {
        Path file = folder.resolve("property.mv");
        IndexedQueryCheck.Result result = IndexedQueryCheck.randomQueriesAcrossRestart(() -> new IndexedH2Backend(file.toString()));
        report.addAll(result.report());
        writeReport("indexed-h2-random-queries");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(result.mismatches()).as("queries whose indexed answer differs from the scan's").isEmpty();
        softly.assertThat(result.indexedDocuments()).as("documents after the writes").isEqualTo(result.scannedDocuments());
        softly.assertThat(result.nonEmpty()).as("queries with results (the comparison is not of empty lists)")
                .isGreaterThan(result.compared() / 3);
        softly.assertAll();
    }

    @Test
    void concurrentWritersLeaveTheIndexesAgreeingWithAScan() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        withDatabase(folder.resolve("concurrent.mv"), database -> {
            MongoCollection<Document> indexed = database.getCollection("indexed");
            declareIndexes(indexed);
            ExecutorService writers = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    Random random = new Random(writer);
                    for (int i = 0; i < 150; i++) {
                        String id = "w" + writer + "-" + random.nextInt(60);
                        indexed.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("a", random.nextInt(5)),
                                Updates.set("b", NAMES.get(random.nextInt(NAMES.size()))), Updates.set("c", random.nextInt(20)),
                                Updates.set("t", EPOCH.plusSeconds(random.nextInt(30)).toString()),
                                Updates.set("u", "agg" + writer), Updates.set("seq", i)), new UpdateOptions().upsert(true));
                        if (i % 7 == 0) {
                            indexed.deleteOne(Filters.eq("_id", "w" + writer + "-" + random.nextInt(60)));
                        }
                        // a reader beside the writers: its results must be well-formed pages
                        indexed.find(Filters.gte("t", EPOCH.plusSeconds(20).toString())).sort(Sorts.ascending("t", "c")).limit(10).into(new ArrayList<>());
                    }
                    return null;
                }));
            }
            awaitAll(done);
            writers.shutdown();
            int compared = 0;
            for (int a = 0; a < 5; a++) {
                for (String b : NAMES) {
                    compared += compare(softly, "a=" + a + ", b=" + b, indexed,
                            Filters.and(Filters.eq("a", a), Filters.eq("b", b)), Sorts.ascending("c"), 0);
                }
                compared += compare(softly, "u=agg" + a + ", seq >= 40", indexed,
                        Filters.and(Filters.eq("u", "agg" + a), Filters.gte("seq", 40)), Sorts.ascending("seq"), 0);
            }
            for (int s = 0; s < 30; s += 5) {
                compared += compare(softly, "t >= +" + s + "s", indexed, Filters.gte("t", EPOCH.plusSeconds(s).toString()),
                        Sorts.ascending("t", "c"), 25);
            }
            report.add("concurrent writers: 8 x 150 upserts (+ deletes), " + indexed.countDocuments() + " documents, "
                    + compared + " documents compared in 61 queries against a scan");
        });
        writeReport("indexed-h2-concurrent-writers");
        softly.assertAll();
    }

    @Test
    void aDroppedIndexOrCollectionLeavesNoEntriesBehind() throws IOException {
        SoftAssertions softly = new SoftAssertions();
        withDatabase(folder.resolve("dropped.mv"), database -> {
            MongoCollection<Document> collection = database.getCollection("dropped");
            collection.createIndex(Indexes.ascending("a", "c"));
            collection.insertMany(List.of(new Document("_id", 1).append("a", 1).append("c", 1), new Document("_id", 2).append("a", 1).append("c", 2)));
            collection.drop();
            collection.createIndex(Indexes.ascending("a", "c"));
            collection.insertOne(new Document("_id", 3).append("a", 1).append("c", 3));
            List<Object> afterDrop = ids(collection.find(Filters.eq("a", 1)).sort(Sorts.ascending("c")).limit(5));
            softly.assertThat(afterDrop).as("a = 1 after the collection was dropped and filled again").containsExactly(3);
            collection.dropIndex(Indexes.ascending("a", "c"));
            collection.updateOne(Filters.eq("_id", 3), Updates.set("a", 2));
            collection.createIndex(Indexes.ascending("a", "c"));
            List<Object> afterRebuild = ids(collection.find(Filters.eq("a", 2)).sort(Sorts.ascending("c")).limit(5));
            softly.assertThat(afterRebuild).as("a = 2 after an update made while the index was dropped").containsExactly(3);
            report.add("after a drop of the collection: " + afterDrop + "; after an update while the index was dropped: " + afterRebuild);
        });
        writeReport("indexed-h2-dropped");
        softly.assertAll();
    }

    private static void declareIndexes(MongoCollection<Document> indexed) {
        indexed.createIndex(Indexes.ascending("a", "b"));
        indexed.createIndex(Indexes.ascending("t", "c"));
        indexed.createIndex(Indexes.compoundIndex(Indexes.descending("b"), Indexes.descending("c")));
        indexed.createIndex(Indexes.ascending("tags", "a"));
        indexed.createIndex(Indexes.ascending("u", "seq"), new IndexOptions().unique(true));
    }

    /** The same query on the same collection: through the indexes, and wrapped in a one-branch $or (which the planner leaves to a scan). */
    private int compare(SoftAssertions softly, String what, MongoCollection<Document> collection, Bson filter, Bson sort, int limit) {
        List<Object> viaIndex = ids(collection.find(filter).sort(sort).limit(limit));
        List<Object> viaScan = ids(collection.find(Filters.or(filter)).sort(sort).limit(limit));
        softly.assertThat(viaIndex).as(what).isEqualTo(viaScan);
        if (!viaIndex.equals(viaScan)) {
            report.add("MISMATCH after concurrent writes, " + what + ": indexed " + viaIndex + ", scan " + viaScan);
        }
        return viaScan.size();
    }

    private static void awaitAll(List<Future<?>> writers) {
        try {
            for (Future<?> writer : writers) {
                writer.get(2, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new IllegalStateException("a writer failed", e);
        }
    }

    private static List<Object> ids(FindIterable<Document> documents) {
        List<Object> ids = new ArrayList<>();
        documents.forEach(d -> ids.add(d.get("_id")));
        return ids;
    }

    private void writeReport(String name) throws IOException {
        report.forEach(line -> log.info("{}: {}", name, line));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", name + "-report.txt"), report);
    }

    private static void withDatabase(Path file, Consumer<MongoDatabase> test) {
        MongoServer server = new MongoServer(new IndexedH2Backend(file.toString()));
        try {
            server.bind("127.0.0.1", 0);
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
                test.accept(client.getDatabase("test"));
            }
        } finally {
            server.shutdownNow();
        }
    }
}
