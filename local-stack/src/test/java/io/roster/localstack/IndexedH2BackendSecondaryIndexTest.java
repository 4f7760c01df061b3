package io.roster.localstack;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.IndexKey;
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
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The secondary indexes of {@link IndexedH2Backend} change what a query costs, never what it returns: the same random
 * writes go to a collection with Roster-like indexes and to one without any (which every query scans), and hundreds of
 * random queries of every shape the planner handles (and some it leaves to the scan) must give the same documents in
 * the same order, also after the server reopens its file. Figures go to target/indexed-h2-random-queries-report.txt and
 * target/indexed-h2-concurrent-writers-report.txt.
 */
class IndexedH2BackendSecondaryIndexTest {

    private static final Logger log = LoggerFactory.getLogger(IndexedH2BackendSecondaryIndexTest.class);
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> NAMES = List.of("ann", "bob", "cy", "dee", "eve");
    private static final List<Bson> SORTS = List.of(new Document(), Sorts.ascending("t", "c"), Sorts.ascending("c"),
            Sorts.descending("b", "c"), Sorts.ascending("seq"), Sorts.descending("c"), Sorts.ascending("b", "c"),
            Sorts.descending("t", "c"));

    @TempDir
    Path folder;

    private final List<String> report = new ArrayList<>();

    @Test
    void randomQueriesGiveWhatAFullScanGivesThroughRandomWritesAndARestart() throws IOException {
        Path file = folder.resolve("property.mv");
        Random random = new Random(20261206L);
        Counter counter = new Counter();
        SoftAssertions softly = new SoftAssertions();
        AtomicInteger compared = new AtomicInteger();
        AtomicInteger nonEmpty = new AtomicInteger();

        withDatabase(file, database -> {
            MongoCollection<Document> indexed = database.getCollection("indexed");
            MongoCollection<Document> scanned = database.getCollection("scanned");
            declareIndexes(indexed);
            List<Document> initial = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                initial.add(randomDocument(random, counter));
            }
            indexed.insertMany(copies(initial));
            scanned.insertMany(copies(initial));
            for (int round = 0; round < 300; round++) {
                randomWrite(random, counter, indexed, scanned);
                compareRandomQuery(random, indexed, scanned, softly, compared, nonEmpty);
            }
        });
        report.add("before restart: " + compared.get() + " queries compared, " + nonEmpty.get() + " with results");
        withDatabase(file, database -> {
            MongoCollection<Document> indexed = database.getCollection("indexed");
            MongoCollection<Document> scanned = database.getCollection("scanned");
            for (int round = 0; round < 300; round++) {
                compareRandomQuery(random, indexed, scanned, softly, compared, nonEmpty);
                randomWrite(random, counter, indexed, scanned);
            }
            softly.assertThat(indexed.countDocuments()).as("documents after the writes").isEqualTo(scanned.countDocuments());
            report.add("documents at the end: " + indexed.countDocuments());
        });
        report.add("in all: " + compared.get() + " queries compared, " + nonEmpty.get() + " with results, "
                + counter.writes + " random writes");
        writeReport("indexed-h2-random-queries");
        softly.assertThat(nonEmpty.get()).as("queries with results (the comparison is not of empty lists)").isGreaterThan(compared.get() / 3);
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

    /** The planner takes the shapes Roster sends and leaves the rest (null, $exists, $or, a multikey range) to a scan. */
    @Test
    void thePlannerNarrowsTheShapesItKnowsAndLeavesTheRest() {
        OrderedIndex relay = new OrderedIndex("orderedEventStreamIndex", List.of(new IndexKey("timestamp", true), new IndexKey("sequenceNumber", true)), Comparator.comparing(Object::toString));
        OrderedIndex aggregate = new OrderedIndex("uniqueAggregateIndex", List.of(new IndexKey("aggregateIdentifier", true), new IndexKey("sequenceNumber", true)), Comparator.comparing(Object::toString));
        OrderedIndex roles = new OrderedIndex("by_role", List.of(new IndexKey("organizationId", true), new IndexKey("roles", true)), Comparator.comparing(Object::toString));
        roles.add(doc("organizationId", "o", "roles", List.of("admin")), "x");
        List<OrderedIndex> indexes = List.of(relay, aggregate, roles);
        SoftAssertions softly = new SoftAssertions();

        IndexPlanner.Scan relayFetch = IndexPlanner.plan(doc("$and", List.of(doc("timestamp", doc("$gte", "2026")), doc("eventIdentifier", doc("$nin", List.of("e"))))),
                doc("timestamp", 1, "sequenceNumber", 1), false, indexes);
        softly.assertThat(relayFetch).as("relay fetch").isNotNull();
        softly.assertThat(relayFetch != null && relayFetch.inSortOrder()).as("relay fetch in sort order").isTrue();
        IndexPlanner.Scan events = IndexPlanner.plan(doc("$and", List.of(doc("aggregateIdentifier", "a"), doc("sequenceNumber", doc("$gte", 3L)))),
                doc("sequenceNumber", 1), false, indexes);
        softly.assertThat(events == null ? null : events.index()).as("aggregate's events").isEqualTo("uniqueAggregateIndex");
        softly.assertThat(events != null && events.inSortOrder()).as("aggregate's events in sort order").isTrue();
        softly.assertThat(IndexPlanner.plan(doc("timestamp", doc("$gte", "2026")), doc("timestamp", -1, "sequenceNumber", -1), true, indexes))
                .as("a backward walk").extracting(IndexPlanner.Scan::inSortOrder).isEqualTo(true);
        softly.assertThat(IndexPlanner.plan(doc("timestamp", doc("$gte", "2026")), doc("timestamp", 1), true, indexes))
                .as("a sort on part of the remaining keys: candidates, sorted after").extracting(IndexPlanner.Scan::inSortOrder).isEqualTo(false);
        softly.assertThat(IndexPlanner.plan(doc("organizationId", "o", "roles", "admin"), doc(), false, indexes)).as("multikey equality").isNotNull();
        softly.assertThat(IndexPlanner.plan(doc("organizationId", "o"), doc("roles", 1), true, indexes))
                .as("a multikey index orders nothing").extracting(IndexPlanner.Scan::inSortOrder).isEqualTo(false);
        softly.assertThat(IndexPlanner.plan(doc(), doc("timestamp", 1, "sequenceNumber", 1), true, indexes)).as("an index walk for a limited sort").isNotNull();

        softly.assertThat(IndexPlanner.plan(doc(), doc("timestamp", 1, "sequenceNumber", 1), false, indexes)).as("a whole walk, unlimited").isNull();
        softly.assertThat(IndexPlanner.plan(doc("timestamp", null), doc(), false, indexes)).as("null").isNull();
        softly.assertThat(IndexPlanner.plan(doc("timestamp", doc("$exists", true)), doc(), false, indexes)).as("$exists").isNull();
        softly.assertThat(IndexPlanner.plan(doc("$or", List.of(doc("timestamp", "x"), doc("aggregateIdentifier", "a"))), doc(), false, indexes)).as("$or").isNull();
        softly.assertThat(IndexPlanner.plan(doc("$and", List.of(doc("timestamp", doc("$gte", "a")), doc("timestamp", doc("$lt", "b")))), doc(), false, indexes))
                .as("one field constrained twice").isNull();
        softly.assertThat(IndexPlanner.plan(doc("roles", doc("$gte", "a")), doc(), false, indexes)).as("a range on a multikey key (no prefix)").isNull();
        softly.assertThat(IndexPlanner.plan(doc("sequenceNumber", 5), doc(), false, indexes)).as("no prefix").isNull();
        softly.assertAll();
    }

    private static void declareIndexes(MongoCollection<Document> indexed) {
        indexed.createIndex(Indexes.ascending("a", "b"));
        indexed.createIndex(Indexes.ascending("t", "c"));
        indexed.createIndex(Indexes.compoundIndex(Indexes.descending("b"), Indexes.descending("c")));
        indexed.createIndex(Indexes.ascending("tags", "a"));
        indexed.createIndex(Indexes.ascending("u", "seq"), new IndexOptions().unique(true));
    }

    private static Document randomDocument(Random random, Counter counter) {
        Document document = new Document("_id", String.format("d%05d", counter.nextId++));
        putRandomFields(random, document, counter);
        return document;
    }

    /** Values of mixed numeric types, nulls, missing fields, arrays and ties: what the index order must get right. */
    private static void putRandomFields(Random random, Document document, Counter counter) {
        switch (random.nextInt(8)) {
            case 0 -> document.remove("a");
            case 1 -> document.put("a", null);
            case 2 -> document.put("a", (long) random.nextInt(5));
            case 3 -> document.put("a", (double) random.nextInt(5));
            default -> document.put("a", random.nextInt(5));
        }
        if (random.nextInt(10) == 0) {
            document.remove("b");
        } else {
            document.put("b", NAMES.get(random.nextInt(NAMES.size())));
        }
        document.put("c", random.nextInt(4) == 0 ? (Object) (long) random.nextInt(12) : (Object) random.nextInt(12));
        document.put("t", EPOCH.plusSeconds(random.nextInt(40)).toString());
        switch (random.nextInt(4)) {
            case 0 -> document.remove("tags");
            case 1 -> document.put("tags", List.of());
            default -> document.put("tags", List.of(NAMES.get(random.nextInt(5)), NAMES.get(random.nextInt(5))));
        }
        document.put("u", "agg" + random.nextInt(8));
        document.put("seq", counter.nextSequence++);
    }

    private static void randomWrite(Random random, Counter counter, MongoCollection<Document> indexed, MongoCollection<Document> scanned) {
        counter.writes++;
        // an id beyond those inserted so far: only upserts create it, so it gets its own prefix, clear of later inserts
        int n = random.nextInt(counter.nextId + 20);
        String id = String.format(n < counter.nextId ? "d%05d" : "x%05d", n);
        Document fields = new Document();
        putRandomFields(random, fields, counter);
        Document partial = new Document(fields);
        partial.keySet().retainAll(List.of(List.of("a", "b", "c", "t", "tags", "seq").get(random.nextInt(6)), "seq"));
        // every random value drawn before the write, so that both collections get the same one
        int a = random.nextInt(5);
        String b = NAMES.get(random.nextInt(5));
        int count = random.nextInt(12);
        String t = EPOCH.plusSeconds(random.nextInt(40)).toString();
        switch (random.nextInt(9)) {
            case 0 -> {
                Document inserted = randomDocument(random, counter);
                both(indexed, scanned, each -> each.insertOne(new Document(inserted)));
            }
            case 1 -> both(indexed, scanned, each -> each.updateOne(Filters.eq("_id", id), new Document("$set", partial)));
            case 2 -> both(indexed, scanned, each -> each.updateMany(Filters.eq("a", a), Updates.inc("c", 1)));
            case 3 -> both(indexed, scanned, each -> each.deleteOne(Filters.eq("_id", id)));
            case 4 -> both(indexed, scanned, each -> each.deleteMany(Filters.and(Filters.eq("b", b), Filters.eq("c", count))));
            case 5 -> both(indexed, scanned, each -> each.findOneAndUpdate(Filters.eq("_id", id), new Document("$set", partial)));
            case 6 -> both(indexed, scanned, each -> each.replaceOne(Filters.eq("_id", id), fields, new ReplaceOptions().upsert(true)));
            case 7 -> both(indexed, scanned, each -> each.updateOne(Filters.eq("_id", id), Updates.combine(Updates.unset("a"),
                    Updates.set("t", fields.get("t")), Updates.set("u", fields.get("u")), Updates.set("seq", fields.get("seq"))),
                    new UpdateOptions().upsert(true)));
            default -> both(indexed, scanned, each -> each.findOneAndDelete(Filters.and(Filters.eq("a", a), Filters.gte("t", t))));
        }
        if (random.nextInt(9) == 0) {
            Document fresh = randomDocument(random, counter);
            both(indexed, scanned, each -> each.insertOne(new Document(fresh)));
        }
    }

    private static void both(MongoCollection<Document> indexed, MongoCollection<Document> scanned, Consumer<MongoCollection<Document>> write) {
        write.accept(indexed);
        write.accept(scanned);
    }

    private void compareRandomQuery(Random random, MongoCollection<Document> indexed, MongoCollection<Document> scanned,
                                    SoftAssertions softly, AtomicInteger compared, AtomicInteger nonEmpty) {
        Bson filter = randomFilter(random);
        Bson sort = SORTS.get(random.nextInt(SORTS.size()));
        int limit = List.of(0, 1, 5, 20).get(random.nextInt(4));
        int skip = random.nextInt(4) == 0 ? random.nextInt(4) : 0;
        List<Object> expected = ids(scanned.find(filter).sort(sort).skip(skip).limit(limit));
        List<Object> actual = ids(indexed.find(filter).sort(sort).skip(skip).limit(limit));
        String query = filter.toBsonDocument() + " sort " + sort.toBsonDocument() + " skip " + skip + " limit " + limit;
        softly.assertThat(actual).as(query).isEqualTo(expected);
        if (!actual.equals(expected)) {
            report.add("MISMATCH " + query + ": indexed " + actual + ", scan " + expected);
        }
        compared.incrementAndGet();
        if (!expected.isEmpty()) {
            nonEmpty.incrementAndGet();
        }
    }

    private static Bson randomFilter(Random random) {
        int a = random.nextInt(5);
        String b = NAMES.get(random.nextInt(5));
        String t = EPOCH.plusSeconds(random.nextInt(40)).toString();
        return switch (random.nextInt(16)) {
            case 0 -> Filters.eq("a", a);
            case 1 -> Filters.and(Filters.eq("a", (double) a), Filters.eq("b", b));
            case 2 -> Filters.in("a", a, (long) (a + 1) % 5, "x");
            case 3 -> Filters.and(Filters.eq("a", a), Filters.gt("b", b));
            case 4 -> Filters.gte("t", t);
            case 5 -> Filters.and(Filters.gte("t", t), Filters.lt("t", EPOCH.plusSeconds(40).toString()), Filters.eq("c", random.nextInt(12)));
            case 6 -> Filters.and(Filters.lte("t", t), Filters.ne("b", b));
            case 7 -> Filters.and(Filters.eq("b", b), Filters.gt("c", random.nextInt(12)), Filters.lte("c", 9L));
            case 8 -> Filters.eq("tags", b);
            case 9 -> Filters.and(Filters.in("tags", b, "eve"), Filters.eq("a", a));
            case 10 -> Filters.and(Filters.eq("u", "agg" + a), Filters.gte("seq", random.nextInt(600)));
            case 11 -> Filters.eq("a", null);
            case 12 -> Filters.and(Filters.exists("b", false), Filters.gte("c", 0));
            case 13 -> Filters.or(Filters.eq("a", a), Filters.eq("b", b));
            case 14 -> Filters.and(Filters.eq("u", "agg" + a), Filters.in("b", b, "ann"), Filters.gt("c", 3));
            default -> new Document();
        };
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

    private static List<Document> copies(List<Document> documents) {
        return documents.stream().map(Document::new).toList();
    }

    private static List<Object> ids(FindIterable<Document> documents) {
        List<Object> ids = new ArrayList<>();
        documents.forEach(d -> ids.add(d.get("_id")));
        return ids;
    }

    private static de.bwaldvogel.mongo.bson.Document doc(Object... pairs) {
        de.bwaldvogel.mongo.bson.Document document = new de.bwaldvogel.mongo.bson.Document();
        for (int i = 0; i < pairs.length; i += 2) {
            document.put((String) pairs[i], pairs[i + 1]);
        }
        return document;
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

    private static final class Counter {
        int nextId;
        long nextSequence;
        int writes;
    }
}
