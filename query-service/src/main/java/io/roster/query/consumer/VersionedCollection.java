package io.roster.query.consumer;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One read model's collection, under every read-model version: {@code members} is {@code members-v1},
 * {@code members-v2}, … {@link #get()} answers the collection of the version the current thread works in
 * (see {@link ProjectionCollections}), so a projection writes and a query reads through it without knowing
 * which version that is.
 */
public final class VersionedCollection {

    private final String name;
    private final Consumer<MongoCollection<Document>> indexes;
    private final MongoDatabase database;
    private final ProjectionCollections versions;
    private final Map<Integer, MongoCollection<Document>> byVersion = new ConcurrentHashMap<>();

    VersionedCollection(String name, Consumer<MongoCollection<Document>> indexes, MongoDatabase database,
                        ProjectionCollections versions) {
        this.name = name;
        this.indexes = indexes;
        this.database = database;
        this.versions = versions;
    }

    /** The collection of the version this thread works in: a rebuild's own version, otherwise the active one. */
    public MongoCollection<Document> get() {
        return in(versions.current());
    }

    /** The logical name, without version. */
    public String name() {
        return name;
    }

    /** {@code members} in version 2 is {@code members-v2}; version 1 is the name the read models always had. */
    public static String physicalName(String name, int version) {
        return name + "-v" + version;
    }

    MongoCollection<Document> in(int version) {
        return byVersion.computeIfAbsent(version, v -> database.getCollection(physicalName(name, v)));
    }

    void createIndexes(int version) {
        indexes.accept(in(version));
    }

    void drop(int version) {
        in(version).drop();
        byVersion.remove(version);
    }
}
