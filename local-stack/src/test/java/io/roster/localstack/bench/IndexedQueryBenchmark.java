package io.roster.localstack.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.roster.localstack.IndexedH2Backend;
import org.bson.Document;
import org.h2.mvstore.MVStoreTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Issue 14 item 1: do the queries Roster sends to the local stack's Mongo-wire server stay flat as the data grows? One H2
 * file is filled in steps ({@code -Dbench.sizes=10000,100000,1000000}: that many events in an Axon-shaped
 * {@code domainevents} collection with Axon's three indexes, and as many rows in a {@code members}-shaped collection
 * with its sorted-page indexes); at each size the file is opened with mongo-java-server's stock H2 backend (the
 * baseline: it ignores non-unique and compound-range indexes) and with {@link IndexedH2Backend}, and each times:
 * <ul>
 *   <li>the relay's fetch, as Axon's DocumentPerEventStorageStrategy sends it: {@code {timestamp: {$gte: t},
 *   eventIdentifier: {$nin: [...]}}} sorted by {@code (timestamp, sequenceNumber)}, 100 events, near the end;</li>
 *   <li>an aggregate's events after a sequence number: {@code {aggregateIdentifier: a, sequenceNumber: {$gte: 50}}}
 *   sorted by {@code sequenceNumber} (Axon's findDomainEvents; 50 of its 100 events);</li>
 *   <li>a member page: {@code {organizationId: o, status: 'active'}} sorted by {@code (emailLower, _id)}, limit 50
 *   (query-service's MemberQuery.page).</li>
 * </ul>
 * It also prints how long the indexed backend takes to open the file and build its in-memory indexes (one read of each
 * collection, at its first query) and the heap it holds afterwards, and checks that both backends return the same documents. Report: target/indexed-query-benchmark.txt.
 */
public final class IndexedQueryBenchmark {

    private static final Logger log = LoggerFactory.getLogger(IndexedQueryBenchmark.class);

    private static final int EVENTS_PER_AGGREGATE = 100;
    private static final int ORGANIZATIONS = 100;
    private static final int BATCH = 1000;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String PAYLOAD = "{\"organizationId\":\"%s\",\"userId\":\"%s\",\"email\":\"member%d@example.com\",\"role\":\"MEMBER\",\"teams\":[]}";
    /** The stock backend scans: past this much time on one query it stops repeating it (after at least one timed run). */
    private static final long STOCK_BUDGET_NANOS = 20_000_000_000L;

    private final List<String> report = new ArrayList<>();
    private final int repetitions = Integer.getInteger("bench.reps", 20);
    /** Above this many events the stock backend's scans would take minutes per query and its loading an hour. */
    private final int stockUpTo = Integer.getInteger("bench.stock-up-to", 100_000);

    private IndexedQueryBenchmark() {}

    public static void main(String[] args) throws IOException {
        int[] sizes = Arrays.stream(System.getProperty("bench.sizes", "10000,100000,1000000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).sorted().toArray();
        Path folder = Files.createTempDirectory("indexed-query-bench");
        try {
            new IndexedQueryBenchmark().run(folder.resolve("roster.mv"), sizes);
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void run(Path file, int[] sizes) throws IOException {
        line("Mongo-wire server, stock H2 backend vs IndexedH2Backend, same file; times in ms: median / p95 of %d runs (stock: fewer when a run is slow)", repetitions);
        int loaded = 0;
        Measured smallest = null;
        for (int size : sizes) {
            long started = System.nanoTime();
            int from = loaded;
            boolean withStock = size <= stockUpTo;
            // loaded through the backend that reads it next: the stock one keeps its unique indexes in the file
            onServer(withStock ? new H2Backend(file.toString()) : new IndexedH2Backend(file.toString()), database -> load(database, from, size));
            // rewritten compactly: otherwise H2's background compaction moves chunks under a long scan, which then fails
            // ("Chunk ... not found", seen here on a 100,000-document scan of a freshly loaded file)
            MVStoreTool.compact(file.toString(), false);
            loaded = size;
            line("");
            line("== %,d events and %,d member rows (loaded in %.1f s)", size, size, seconds(System.nanoTime() - started));
            Workload workload = new Workload(size);
            long stockOpened = System.nanoTime();
            Measured stock = withStock ? onServer(new H2Backend(file.toString()), database -> workload.measure(database, true, stockOpened)) : null;
            long indexedOpened = System.nanoTime();
            Measured indexed = onServer(new IndexedH2Backend(file.toString()), database -> workload.measure(database, false, indexedOpened));
            smallest = smallest == null ? indexed : smallest;
            if (stock == null) {
                line("stock backend not measured above %,d events (-Dbench.stock-up-to): every query below scans the whole "
                        + "collection there; the baseline is this run's indexed figure at %,d", stockUpTo, sizes[0]);
                line("open + first query of each collection: indexed %.1f s; heap in use after a GC: %,d MB", indexed.readySeconds,
                        indexed.heapMegabytes);
                line("%-34s %22s %22s %8s", "query", "indexed at " + sizes[0], "indexed", "ratio");
                for (int i = 0; i < indexed.timings.size(); i++) {
                    Timing first = smallest.timings.get(i);
                    Timing x = indexed.timings.get(i);
                    line("%-34s %10.2f / %9.2f %10.2f / %9.2f %7.1fx", x.query, first.median, first.p95, x.median, x.p95,
                            x.median / Math.max(first.median, 0.001));
                }
                continue;
            }
            line("open + first query of each collection: stock %.1f s, indexed %.1f s (it builds its indexes then, one read of "
                    + "each collection); heap in use after a GC: stock %,d MB, indexed %,d MB",
                    stock.readySeconds, indexed.readySeconds, stock.heapMegabytes, indexed.heapMegabytes);
            line("%-34s %22s %22s %8s %6s", "query", "stock", "indexed", "ratio", "same");
            for (int i = 0; i < stock.timings.size(); i++) {
                Timing s = stock.timings.get(i);
                Timing x = indexed.timings.get(i);
                line("%-34s %10.1f / %9.1f %10.2f / %9.2f %7.0fx %6s", s.query, s.median, s.p95, x.median, x.p95,
                        s.median / Math.max(x.median, 0.001), s.resultIds.equals(x.resultIds) ? "yes" : "NO");
            }
        }
        Path out = Path.of("target", "indexed-query-benchmark.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report, StandardCharsets.UTF_8);
        log.info("report written to {}", out.toAbsolutePath());
    }

    private <T> T onServer(H2Backend backend, Function<MongoDatabase, T> work) {
        MongoServer server = new MongoServer(backend);
        try {
            server.bind("127.0.0.1", 0);
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
                return work.apply(client.getDatabase("roster"));
            }
        } finally {
            server.shutdownNow();
        }
    }

    private static Void load(MongoDatabase database, int from, int to) {
        MongoCollection<Document> events = database.getCollection("domainevents");
        MongoCollection<Document> members = database.getCollection("members");
        if (from == 0) {
            // Axon's MongoEventStorageEngine.ensureIndexes, and MemberRows' list indexes
            events.createIndex(Indexes.ascending("aggregateIdentifier", "sequenceNumber"), new IndexOptions().unique(true).name("uniqueAggregateIndex"));
            events.createIndex(Indexes.ascending("timestamp", "sequenceNumber"), new IndexOptions().name("orderedEventStreamIndex"));
            events.createIndex(Indexes.ascending("eventIdentifier"), new IndexOptions().unique(true).name("uniqueEventIndex"));
            members.createIndex(Indexes.ascending("organizationId", "emailLower", "_id"), new IndexOptions().name("list"));
            members.createIndex(Indexes.ascending("organizationId", "status", "emailLower", "_id"), new IndexOptions().name("by_status"));
        }
        insertInBatches(events, from, to, IndexedQueryBenchmark::event);
        insertInBatches(members, from, to, IndexedQueryBenchmark::member);
        return null;
    }

    private static void insertInBatches(MongoCollection<Document> collection, int from, int to, IntFunction<Document> document) {
        List<Document> batch = new ArrayList<>(BATCH);
        for (int i = from; i < to; i++) {
            batch.add(document.apply(i));
            if (batch.size() == BATCH || i == to - 1) {
                collection.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
            }
        }
    }

    /** Event i: aggregates of 100 events, ten of them interleaved in each window of 1000, one event a millisecond. */
    static Document event(int i) {
        int aggregate = i / 1000 * 10 + i % 10;
        long sequence = i % 1000 / 10;
        String aggregateId = aggregateId(aggregate);
        return new Document("aggregateIdentifier", aggregateId)
                .append("type", "Organization")
                .append("sequenceNumber", sequence)
                .append("serializedPayload", String.format(PAYLOAD, aggregateId, UUID.nameUUIDFromBytes(("user" + i).getBytes(StandardCharsets.UTF_8)), i))
                .append("timestamp", timestamp(i))
                .append("payloadType", "io.roster.events.MemberAdded")
                .append("payloadRevision", "1")
                .append("serializedMetaData", "{\"correlationId\":\"" + UUID.nameUUIDFromBytes(("c" + i).getBytes(StandardCharsets.UTF_8)) + "\",\"traceId\":\"" + i + "\"}")
                .append("eventIdentifier", eventId(i));
    }

    /** Member row j: in one of 100 organizations, 70% active, e-mail addresses in no particular order. */
    static Document member(int j) {
        String organization = organizationId(j % ORGANIZATIONS);
        String userId = UUID.nameUUIDFromBytes(("member" + j).getBytes(StandardCharsets.UTF_8)).toString();
        String email = Integer.toHexString(userId.hashCode()) + "." + j + "@example.com";
        String status = j % 10 < 7 ? "active" : j % 10 < 9 ? "pending" : "removed";
        return new Document("_id", organization + ":" + userId)
                .append("organizationId", organization)
                .append("userId", userId)
                .append("status", status)
                .append("roles", List.of("MEMBER"))
                .append("email", email)
                .append("emailLower", email.toLowerCase(Locale.ROOT))
                .append("firstName", "First" + j)
                .append("lastName", "Last" + j)
                .append("joinedAt", Instant.ofEpochMilli(START.toEpochMilli() + j));
    }

    static String aggregateId(int aggregate) {
        return UUID.nameUUIDFromBytes(("aggregate" + aggregate).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String eventId(int i) {
        return UUID.nameUUIDFromBytes(("event" + i).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String organizationId(int organization) {
        return UUID.nameUUIDFromBytes(("organization" + organization).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Axon writes the timestamp as an ISO-8601 string (Instant.toString). */
    static String timestamp(int i) {
        return START.plusMillis(i).toString();
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.add(text);
        log.info("{}", text);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The three queries at one store size; the same parameters for both backends (one seed per size). */
    private final class Workload {

        private final int size;

        Workload(int size) {
            this.size = size;
        }

        Measured measure(MongoDatabase database, boolean stock, long openedAt) {
            MongoCollection<Document> events = database.getCollection("domainevents");
            MongoCollection<Document> members = database.getCollection("members");
            events.find(Filters.eq("_id", "none")).first();
            members.find(Filters.eq("_id", "none")).first();
            double ready = seconds(System.nanoTime() - openedAt);
            long heap = heapMegabytes();
            List<Timing> timings = new ArrayList<>();
            timings.add(time("relay fetch (100, near the end)", stock, random -> {
                int first = size - 100 - random.nextInt(50);
                List<String> known = new ArrayList<>();
                for (int i = first; i < first + 10; i++) {
                    known.add(eventId(i));
                }
                return ids(events.find(Filters.and(Filters.gte("timestamp", timestamp(first)), Filters.nin("eventIdentifier", known)))
                        .sort(Sorts.ascending("timestamp", "sequenceNumber")).limit(100).batchSize(100), "eventIdentifier");
            }));
            timings.add(time("aggregate's events after seq 50", stock, random -> {
                String aggregate = aggregateId(random.nextInt(size / EVENTS_PER_AGGREGATE));
                return ids(events.find(Filters.and(Filters.eq("aggregateIdentifier", aggregate), Filters.gte("sequenceNumber", 50L)))
                        .sort(Sorts.ascending("sequenceNumber")).batchSize(100), "eventIdentifier");
            }));
            timings.add(time("member page (active, limit 50)", stock, random -> {
                String organization = organizationId(random.nextInt(ORGANIZATIONS));
                return ids(members.find(Filters.and(Filters.eq("organizationId", organization), Filters.eq("status", "active")))
                        .sort(Sorts.ascending("emailLower", "_id")).limit(50), "_id");
            }));
            return new Measured(timings, ready, heap);
        }

        private Timing time(String query, boolean stock, Function<Random, List<Object>> run) {
            Random random = new Random(size);
            List<Object> first = run.apply(random);
            List<Double> millis = new ArrayList<>();
            long budgetStart = System.nanoTime();
            while (millis.size() < repetitions && (!stock || millis.isEmpty() || System.nanoTime() - budgetStart < STOCK_BUDGET_NANOS)) {
                long started = System.nanoTime();
                run.apply(random);
                millis.add((System.nanoTime() - started) / 1e6);
            }
            millis.sort(Comparator.naturalOrder());
            double median = millis.get(millis.size() / 2);
            double p95 = millis.get(Math.min(millis.size() - 1, (int) Math.ceil(millis.size() * 0.95) - 1));
            return new Timing(query, median, p95, first);
        }

        private List<Object> ids(Iterable<Document> documents, String field) {
            List<Object> ids = new ArrayList<>();
            documents.forEach(document -> ids.add(document.get(field)));
            return ids;
        }

        private long heapMegabytes() {
            Runtime runtime = Runtime.getRuntime();
            System.gc();
            return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
        }
    }

    private record Timing(String query, double median, double p95, List<Object> resultIds) {}

    private record Measured(List<Timing> timings, double readySeconds, long heapMegabytes) {}
}
