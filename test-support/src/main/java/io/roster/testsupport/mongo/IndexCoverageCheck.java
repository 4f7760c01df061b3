package io.roster.testsupport.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import io.roster.testsupport.mongo.MongoCommandRecorder.Collection;
import io.roster.testsupport.mongo.MongoCommandRecorder.Origin;
import io.roster.testsupport.mongo.MongoCommandRecorder.Recorded;

/**
 * The index coverage check a service module's tests end with: every query shape the {@link MongoCommandRecorder}
 * recorded is evaluated against the indexes its collection has now ({@code listIndexes} on the test's Mongo-wire
 * server; for a collection the tests dropped since, the indexes its {@code createIndexes} declared), by
 * {@link IndexCoverage}'s rule. A shape without an index fails the check unless the module's allow-list names it with
 * a reason: lines {@code collection shape # reason}, the shape as the table prints it.
 */
public final class IndexCoverageCheck {

    private static final Logger log = LoggerFactory.getLogger(IndexCoverageCheck.class);

    /** One row of the table: a shape as sent to one collection name, over every database it was sent to. */
    public record Row(String collection, String shape, Origin origin, long count, String index, String allowedBecause) {

        public boolean indexed() {
            return index != null;
        }

        /** Fails the check: a service's query with neither an index nor a reason. */
        public boolean failing() {
            return origin == Origin.SERVICE && index == null && allowedBecause == null;
        }
    }

    public record Result(List<Row> rows, List<String> unusedAllowances, String table) {

        public List<Row> unindexed() {
            return rows.stream().filter(Row::failing).toList();
        }

        public long serviceShapes() {
            return rows.stream().filter(r -> r.origin() == Origin.SERVICE).count();
        }

        public String summary() {
            long service = serviceShapes();
            long covered = rows.stream().filter(r -> r.origin() == Origin.SERVICE && r.indexed()).count();
            long allowed = rows.stream().filter(r -> r.origin() == Origin.SERVICE && !r.indexed() && r.allowedBecause() != null).count();
            return "index coverage: " + service + " query shapes sent by the service, " + covered + " indexed, " + allowed
                    + " allow-listed, " + unindexed().size() + " unindexed; " + (rows.size() - service)
                    + " shapes of the tests' own queries (not checked); " + unusedAllowances.size() + " allow-list lines unused";
        }
    }

    private IndexCoverageCheck() {
    }

    /**
     * The check each service module runs last ({@code MongoIndexCoverageTest}): {@link #run} on the module's embedded
     * server with its {@code /mongo-unindexed-allowed.txt}, table in {@code target/index-coverage.txt}; fails when no
     * query was recorded (the module's other test classes did not run first) or when a query has neither an index nor
     * an allowance.
     */
    public static void requireEveryQueryIndexed(String mongoUri) throws IOException {
        Result result = run(mongoUri, "/mongo-unindexed-allowed.txt", Path.of("target", "index-coverage.txt"));
        if (result.serviceShapes() == 0) {
            throw new AssertionError("no query shapes recorded: this check needs the module's other test classes to run before it");
        }
        List<String> unindexed = result.unindexed().stream().map(row -> row.collection() + " " + row.shape()).toList();
        if (!unindexed.isEmpty()) {
            throw new AssertionError("queries without an index (declare one where the collection's other indexes are, or "
                    + "allow-list it with a reason); " + result.summary() + ": " + unindexed);
        }
    }

    /**
     * Evaluates what the JVM's recorder holds against the server at {@code mongoUri}, with the allow-list at the
     * class-path resource {@code allowListResource}, writes the table to {@code table} and logs the summary.
     */
    public static Result run(String mongoUri, String allowListResource, Path table) throws IOException {
        Map<String, String> allowList = allowList(allowListResource);
        MongoCommandRecorder recorder = MongoCommandRecorder.instance();
        Map<Recorded, Long> queries = recorder.queries();
        Map<Collection, List<IndexSpec>> indexes = new HashMap<>();
        try (MongoClient client = MongoClients.create(mongoUri)) {
            queries.keySet().forEach(q -> indexes.computeIfAbsent(new Collection(q.database(), q.shape().collection()),
                    c -> indexesOf(client, c, recorder)));
        }
        record Key(String collection, String shape, Origin origin) {
        }
        Map<Key, long[]> counts = new TreeMap<>(Comparator.comparing(Key::collection).thenComparing(Key::shape).thenComparing(Key::origin));
        Map<Key, TreeSet<String>> indexUsed = new HashMap<>();
        Map<Key, Boolean> everywhere = new HashMap<>();
        queries.forEach((recorded, count) -> {
            Key key = new Key(recorded.shape().collection(), recorded.shape().text(), recorded.origin());
            counts.computeIfAbsent(key, k -> new long[1])[0] += count;
            Optional<String> index = IndexCoverage.coveringIndex(recorded.shape(),
                    indexes.get(new Collection(recorded.database(), recorded.shape().collection())));
            index.ifPresent(name -> indexUsed.computeIfAbsent(key, k -> new TreeSet<>()).add(name));
            // indexed only if indexed in every database it was sent to
            everywhere.merge(key, index.isPresent(), Boolean::logicalAnd);
        });
        List<Row> rows = new ArrayList<>();
        Map<String, String> unused = new LinkedHashMap<>(allowList);
        counts.forEach((key, count) -> {
            String index = everywhere.get(key) ? String.join("|", indexUsed.get(key)) : null;
            String allowKey = key.collection() + " " + key.shape();
            String reason = index == null ? allowList.get(allowKey) : null;
            if (reason != null || key.origin() == Origin.SERVICE) {
                unused.remove(allowKey);
            }
            rows.add(new Row(key.collection(), key.shape(), key.origin(), count[0], index, reason));
        });
        String text = table(rows);
        Result result = new Result(List.copyOf(rows), List.copyOf(unused.keySet()), text);
        Files.createDirectories(table.toAbsolutePath().getParent());
        Files.writeString(table, text + "\n" + result.summary() + "\n"
                + (unused.isEmpty() ? "" : "allow-list lines that matched no query: " + unused.keySet() + "\n"));
        log.info("{} (table: {})", result.summary(), table);
        result.unindexed().forEach(row -> log.warn("UNINDEXED: {} {} (sent {} times)", row.collection(), row.shape(), row.count()));
        return result;
    }

    private static List<IndexSpec> indexesOf(MongoClient client, Collection collection, MongoCommandRecorder recorder) {
        List<IndexSpec> indexes = new ArrayList<>();
        try {
            client.getDatabase(collection.database()).getCollection(collection.name(), BsonDocument.class)
                    .listIndexes(BsonDocument.class).forEach(index -> indexes.add(IndexSpec.of(index)));
        } catch (MongoCommandException noSuchCollection) {
            log.debug("no indexes listed for {}: {}", collection, noSuchCollection.getErrorMessage());
        }
        if (indexes.isEmpty()) {
            // dropped since (a rebuilt projection's old version) or never created: what the code declared for it
            indexes.add(IndexSpec.ID);
            indexes.addAll(recorder.declaredIndexes(collection));
        }
        return indexes;
    }

    private static Map<String, String> allowList(String resource) throws IOException {
        Map<String, String> allowed = new LinkedHashMap<>();
        try (InputStream in = IndexCoverageCheck.class.getResourceAsStream(resource)) {
            if (in == null) {
                return allowed;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int hash = trimmed.indexOf(" # ");
                if (hash < 0 || trimmed.substring(hash + 3).isBlank()) {
                    throw new IllegalStateException("allow-list line without a reason (collection shape # reason): " + line);
                }
                allowed.put(trimmed.substring(0, hash).strip().replaceAll("\\s+", " "), trimmed.substring(hash + 3).strip());
            }
        }
        return allowed;
    }

    private static String table(List<Row> rows) {
        int collectionWidth = Math.max(10, rows.stream().mapToInt(r -> r.collection().length()).max().orElse(0));
        int shapeWidth = Math.max(5, rows.stream().mapToInt(r -> r.shape().length()).max().orElse(0));
        String format = "%-" + collectionWidth + "s  %-" + shapeWidth + "s  %7s  %-7s  %s";
        StringBuilder text = new StringBuilder(String.format(format, "collection", "shape", "sent", "by", "index"));
        for (Row row : rows) {
            String index = row.indexed() ? row.index()
                    : row.allowedBecause() != null ? "UNINDEXED, allowed: " + row.allowedBecause()
                    : row.origin() == Origin.TEST ? "UNINDEXED (the test's own query, not checked)"
                    : "UNINDEXED";
            text.append('\n').append(String.format(format, row.collection(), row.shape(), row.count(),
                    row.origin().name().toLowerCase(), index));
        }
        return text.toString();
    }
}
