package io.roster.testsupport.mongo;

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
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an embedded Mongo-wire server's indexes (embedded-mongo's CollectionIndexes) must do: change what a query costs,
 * never what it returns. The same random writes go to a collection with Roster-like indexes and to one without any
 * (which every query scans), and hundreds of random queries of every shape the index planner handles (and some it
 * leaves to the scan) must give the same documents in the same order. The writes are every kind a backend stores
 * (insert, update in place, replace, upsert, findAndModify, delete one and many), with mixed numeric types, nulls,
 * missing fields, arrays and ties. Used by the tests of the service tests' server ({@link SnapshotMemoryBackend}) and
 * of the local stack's (which also reopens its file half-way).
 */
public final class IndexedQueryCheck {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> NAMES = List.of("ann", "bob", "cy", "dee", "eve");
    private static final List<Bson> SORTS = List.of(new Document(), Sorts.ascending("t", "c"), Sorts.ascending("c"),
            Sorts.descending("b", "c"), Sorts.ascending("seq"), Sorts.descending("c"), Sorts.ascending("b", "c"),
            Sorts.descending("t", "c"));
    private static final int INITIAL_DOCUMENTS = 400;
    private static final int ROUNDS = 300;

    /**
     * @param mismatches each query whose answers differed, with both answers
     * @param report     the figures, a line each, for the test's report file
     */
    public record Result(int compared, int nonEmpty, int writes, long indexedDocuments, long scannedDocuments,
                         List<String> mismatches, List<String> report) {}

    private IndexedQueryCheck() {
    }

    /** Twice {@value #ROUNDS} rounds of a random write and a random query, on one server of this backend. */
    public static Result randomQueries(MongoBackend backend) {
        Run run = new Run();
        onServer(backend, database -> {
            run.fill(database);
            run.rounds(database, true);
            run.rounds(database, false);
            run.count(database);
        });
        return run.result();
    }

    /** The same, the second half on a second server of a backend reopening what the first one stored. */
    public static Result randomQueriesAcrossRestart(Supplier<MongoBackend> backend) {
        Run run = new Run();
        onServer(backend.get(), database -> {
            run.fill(database);
            run.rounds(database, true);
        });
        run.report.add("before restart: " + run.compared + " queries compared, " + run.nonEmpty + " with results");
        onServer(backend.get(), database -> {
            run.rounds(database, false);
            run.count(database);
        });
        return run.result();
    }

    private static void onServer(MongoBackend backend, Consumer<MongoDatabase> test) {
        MongoServer server = new MongoServer(backend);
        try {
            server.bind("127.0.0.1", 0);
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
                test.accept(client.getDatabase("indexed-query-check"));
            }
        } finally {
            server.shutdownNow();
        }
    }

    /** One run's random source, counters and findings. */
    private static final class Run {

        private final Random random = new Random(20261206L);
        private final List<String> mismatches = new ArrayList<>();
        private final List<String> report = new ArrayList<>();
        private int nextId;
        private long nextSequence;
        private int writes;
        private int compared;
        private int nonEmpty;
        private long indexedDocuments;
        private long scannedDocuments;

        void fill(MongoDatabase database) {
            MongoCollection<Document> indexed = database.getCollection("indexed");
            MongoCollection<Document> scanned = database.getCollection("scanned");
            indexed.createIndex(Indexes.ascending("a", "b"));
            indexed.createIndex(Indexes.ascending("t", "c"));
            indexed.createIndex(Indexes.compoundIndex(Indexes.descending("b"), Indexes.descending("c")));
            indexed.createIndex(Indexes.ascending("tags", "a"));
            indexed.createIndex(Indexes.ascending("u", "seq"), new IndexOptions().unique(true));
            List<Document> initial = new ArrayList<>();
            for (int i = 0; i < INITIAL_DOCUMENTS; i++) {
                initial.add(randomDocument());
            }
            indexed.insertMany(initial.stream().map(Document::new).toList());
            scanned.insertMany(initial.stream().map(Document::new).toList());
        }

        void rounds(MongoDatabase database, boolean writeFirst) {
            MongoCollection<Document> indexed = database.getCollection("indexed");
            MongoCollection<Document> scanned = database.getCollection("scanned");
            for (int round = 0; round < ROUNDS; round++) {
                if (writeFirst) {
                    randomWrite(indexed, scanned);
                }
                compareRandomQuery(indexed, scanned);
                if (!writeFirst) {
                    randomWrite(indexed, scanned);
                }
            }
        }

        void count(MongoDatabase database) {
            indexedDocuments = database.getCollection("indexed").countDocuments();
            scannedDocuments = database.getCollection("scanned").countDocuments();
        }

        Result result() {
            report.add("documents at the end: " + indexedDocuments + " indexed, " + scannedDocuments + " scanned");
            report.add("in all: " + compared + " queries compared, " + nonEmpty + " with results, " + writes
                    + " random writes, " + mismatches.size() + " mismatches");
            report.addAll(mismatches);
            return new Result(compared, nonEmpty, writes, indexedDocuments, scannedDocuments, List.copyOf(mismatches),
                    List.copyOf(report));
        }

        private Document randomDocument() {
            Document document = new Document("_id", String.format("d%05d", nextId++));
            putRandomFields(document);
            return document;
        }

        /** Values of mixed numeric types, nulls, missing fields, arrays and ties: what the index order must get right. */
        private void putRandomFields(Document document) {
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
            document.put("seq", nextSequence++);
        }

        private void randomWrite(MongoCollection<Document> indexed, MongoCollection<Document> scanned) {
            writes++;
            // an id beyond those inserted so far: only upserts create it, so it gets its own prefix, clear of later inserts
            int n = random.nextInt(nextId + 20);
            String id = String.format(n < nextId ? "d%05d" : "x%05d", n);
            Document fields = new Document();
            putRandomFields(fields);
            Document partial = new Document(fields);
            partial.keySet().retainAll(List.of(List.of("a", "b", "c", "t", "tags", "seq").get(random.nextInt(6)), "seq"));
            // every random value drawn before the write, so that both collections get the same one
            int a = random.nextInt(5);
            String b = NAMES.get(random.nextInt(5));
            int count = random.nextInt(12);
            String t = EPOCH.plusSeconds(random.nextInt(40)).toString();
            switch (random.nextInt(9)) {
                case 0 -> {
                    Document inserted = randomDocument();
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
                Document fresh = randomDocument();
                both(indexed, scanned, each -> each.insertOne(new Document(fresh)));
            }
        }

        private static void both(MongoCollection<Document> indexed, MongoCollection<Document> scanned,
                                 Consumer<MongoCollection<Document>> write) {
            write.accept(indexed);
            write.accept(scanned);
        }

        private void compareRandomQuery(MongoCollection<Document> indexed, MongoCollection<Document> scanned) {
            Bson filter = randomFilter();
            Bson sort = SORTS.get(random.nextInt(SORTS.size()));
            int limit = List.of(0, 1, 5, 20).get(random.nextInt(4));
            int skip = random.nextInt(4) == 0 ? random.nextInt(4) : 0;
            List<Object> expected = ids(scanned.find(filter).sort(sort).skip(skip).limit(limit));
            List<Object> actual = ids(indexed.find(filter).sort(sort).skip(skip).limit(limit));
            if (!actual.equals(expected)) {
                mismatches.add("MISMATCH " + filter.toBsonDocument() + " sort " + sort.toBsonDocument() + " skip " + skip
                        + " limit " + limit + ": indexed " + actual + ", scan " + expected);
            }
            compared++;
            if (!expected.isEmpty()) {
                nonEmpty++;
            }
        }

        private Bson randomFilter() {
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

        private static List<Object> ids(FindIterable<Document> documents) {
            List<Object> ids = new ArrayList<>();
            documents.forEach(d -> ids.add(d.get("_id")));
            return ids;
        }
    }
}
