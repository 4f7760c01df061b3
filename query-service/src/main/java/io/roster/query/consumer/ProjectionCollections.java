package io.roster.query.consumer;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which physical collections the read models live in. Every read model declares its logical collection
 * ({@code members}) with its indexes; the physical one is {@code members-v<N>} of the active read-model
 * version N, kept in {@value #STATE} so that a restart keeps it (no document: version 1, the names the read
 * models always had).
 *
 * <p>A rebuild fills version N+1 next to N with the same projections, made to write there by
 * {@link #bound binding} its thread to N+1, while every other thread (readers, the live consumer) keeps
 * working in N; {@link #activate} then switches everyone at once. Other instances of the service read the
 * active version again at most {@code roster.query.read-model-refresh} (1 s) later.
 */
@Component
public class ProjectionCollections {

    static final String STATE = "projection-versions-v1";
    private static final String ACTIVE = "active";
    private static final Logger log = LoggerFactory.getLogger(ProjectionCollections.class);
    private static final ThreadLocal<Integer> BOUND = new ThreadLocal<>();

    private final MongoDatabase database;
    private final MongoCollection<Document> state;
    private final long refreshNanos;
    private final Map<String, VersionedCollection> declared = new ConcurrentHashMap<>();
    private final AtomicLong lastRead = new AtomicLong();
    private volatile int active;

    public ProjectionCollections(MongoDatabase database, @Value("${roster.query.read-model-refresh:PT1S}") String refresh) {
        this.database = database;
        this.state = database.getCollection(STATE);
        // parsed here rather than bound: the projection tests build these beans without Spring Boot's converters
        this.refreshNanos = DurationStyle.detectAndParse(refresh).toNanos();
        this.active = readActive();
        this.lastRead.set(System.nanoTime());
    }

    /**
     * A read model's collection, with the indexes every version of it gets: created now on the active
     * version, and on each version a rebuild prepares. Call it from the read model's constructor; a name
     * declared before answers the collection declared first.
     */
    public VersionedCollection declare(String name, Consumer<MongoCollection<Document>> indexes) {
        return declared.computeIfAbsent(name, n -> {
            VersionedCollection collection = new VersionedCollection(n, indexes, database, this);
            collection.createIndexes(activeVersion());
            return collection;
        });
    }

    public VersionedCollection declare(String name) {
        return declare(name, c -> {
        });
    }

    /** The version readers and the live consumer work in. */
    public int activeVersion() {
        long readAt = lastRead.get();
        if (System.nanoTime() - readAt > refreshNanos && lastRead.compareAndSet(readAt, System.nanoTime())) {
            try {
                int stored = readActive();
                if (stored != active) {
                    log.info("Read models switched from version {} to {} (by another instance)", active, stored);
                    active = stored;
                }
            } catch (MongoException e) {
                log.debug("Cannot read the active read-model version; keeping {}", active, e);
            }
        }
        return active;
    }

    /** The version the current thread works in: the one it is bound to, else the active one. */
    int current() {
        Integer bound = BOUND.get();
        return bound != null ? bound : activeVersion();
    }

    /** Runs {@code work} with every read model of this thread in {@code version}. */
    public <T> T bound(int version, Supplier<T> work) {
        Integer previous = BOUND.get();
        BOUND.set(version);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                BOUND.remove();
            } else {
                BOUND.set(previous);
            }
        }
    }

    public void bound(int version, Runnable work) {
        bound(version, () -> {
            work.run();
            return null;
        });
    }

    /** Empties {@code version}'s collections (left over by a rebuild that died) and gives them their indexes. */
    public void prepare(int version) {
        Set<String> existing = database.listCollectionNames().into(new HashSet<>());
        for (VersionedCollection collection : declared.values()) {
            if (existing.contains(VersionedCollection.physicalName(collection.name(), version))) {
                collection.drop(version);
            }
            collection.createIndexes(version);
        }
    }

    /** Drops every collection of {@code version}; never the active one. */
    public void drop(int version) {
        if (version == activeVersion()) {
            throw new IllegalStateException("Version " + version + " is active");
        }
        Set<String> existing = database.listCollectionNames().into(new HashSet<>());
        declared.values().stream()
                .filter(collection -> existing.contains(VersionedCollection.physicalName(collection.name(), version)))
                .forEach(collection -> collection.drop(version));
    }

    /** Makes {@code version} the one readers and the live consumer work in, here at once and everywhere on their next refresh. */
    public void activate(int version) {
        state.updateOne(Filters.eq("_id", ACTIVE), Updates.set("version", version), new UpdateOptions().upsert(true));
        int previous = active;
        active = version;
        lastRead.set(System.nanoTime());
        log.info("Read models switched from version {} to {}", previous, version);
    }

    /** The physical names of the version's collections, for logs and tests. */
    public List<String> physicalNames(int version) {
        List<String> names = new ArrayList<>();
        declared.values().forEach(collection -> names.add(VersionedCollection.physicalName(collection.name(), version)));
        names.sort(null);
        return names;
    }

    private int readActive() {
        Document document = state.find(Filters.eq("_id", ACTIVE)).first();
        return document == null ? 1 : document.getInteger("version", 1);
    }
}
