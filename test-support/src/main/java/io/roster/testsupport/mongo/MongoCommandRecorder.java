package io.roster.testsupport.mongo;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records the shape of every query a MongoClient sends (see {@link QueryShapes}), per database, and the indexes it
 * asks to create. One per test JVM: test-support's {@link CommandRecordingAutoConfiguration} adds it to the client of
 * every Spring context of a service's tests, so the index coverage check at the end sees what the services sent,
 * Axon's event and token store queries included (they go through the same client).
 *
 * <p>A query sent by a test class itself (checking what a service stored) is told apart by where it comes from: the
 * nearest caller outside the driver was loaded from {@code test-classes}.
 */
public final class MongoCommandRecorder implements CommandListener {

    /** Who sent a query: the service's code (its own, a library's, Axon's) or the test checking on it. */
    public enum Origin { SERVICE, TEST }

    public record Recorded(String database, QueryShape shape, Origin origin) {
    }

    public record Collection(String database, String name) {
    }

    private static final MongoCommandRecorder INSTANCE = new MongoCommandRecorder();
    private static final Set<String> SYSTEM_DATABASES = Set.of("admin", "config", "local");
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final Map<Recorded, LongAdder> queries = new ConcurrentHashMap<>();
    private final Map<Collection, Map<String, IndexSpec>> declaredIndexes = new ConcurrentHashMap<>();

    private MongoCommandRecorder() {
    }

    public static MongoCommandRecorder instance() {
        return INSTANCE;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        String database = event.getDatabaseName();
        if (SYSTEM_DATABASES.contains(database)) {
            return;
        }
        // the command document is valid only during this call: read it now
        BsonDocument command = event.getCommand();
        if ("createIndexes".equals(event.getCommandName())) {
            recordDeclaredIndexes(database, command);
            return;
        }
        List<QueryShape> shapes = QueryShapes.of(event.getCommandName(), command);
        if (shapes.isEmpty()) {
            return;
        }
        Origin origin = origin();
        for (QueryShape shape : shapes) {
            queries.computeIfAbsent(new Recorded(database, shape, origin), k -> new LongAdder()).increment();
        }
    }

    private void recordDeclaredIndexes(String database, BsonDocument command) {
        BsonValue collection = command.get("createIndexes");
        if (collection == null || !collection.isString()) {
            return;
        }
        Map<String, IndexSpec> indexes = declaredIndexes.computeIfAbsent(
                new Collection(database, collection.asString().getValue()), k -> new ConcurrentHashMap<>());
        for (BsonValue index : command.getArray("indexes", new BsonArray())) {
            IndexSpec spec = IndexSpec.of(index.asDocument());
            indexes.put(spec.name(), spec);
        }
    }

    /** Every query recorded so far, with how often it was sent. */
    public Map<Recorded, Long> queries() {
        Map<Recorded, Long> copy = new java.util.HashMap<>();
        queries.forEach((recorded, count) -> copy.put(recorded, count.sum()));
        return copy;
    }

    /** The indexes the clients asked to create on {@code collection}, for a collection that is gone by the check. */
    public List<IndexSpec> declaredIndexes(Collection collection) {
        return List.copyOf(declaredIndexes.getOrDefault(collection, Map.of()).values());
    }

    private static Origin origin() {
        Optional<Class<?>> caller = STACK.walk(frames -> frames.<Class<?>>map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> !isPlumbing(c.getName()))
                .findFirst());
        return caller.filter(MongoCommandRecorder::fromTestClasses).isPresent() ? Origin.TEST : Origin.SERVICE;
    }

    private static boolean isPlumbing(String className) {
        return className.startsWith("com.mongodb.") || className.startsWith("org.bson.") || className.startsWith("java.")
                || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith(MongoCommandRecorder.class.getPackageName() + ".");
    }

    private static boolean fromTestClasses(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location != null && location.getPath().endsWith("/test-classes/");
    }
}
