package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A unique index (every {@code _id}, the event store's aggregate and sequence number, every declared unique key) kept
 * in a hash map instead of H2's index map. H2 keys that map by {@code KeyValue}, a type its MVStore does not know, so
 * each step of each lookup's binary search Java-serializes both keys to compare them: under the lag benchmark that
 * was 28% of the Mongo-wire server's CPU. The map is filled from the collection's documents when the database opens
 * (mongo-java-server fills an empty index when a collection adds it), like the {@link OrderedIndex}es; the H2 file
 * keeps only the documents. Positions are the H2 data map's keys. Used by local-stack's {@code IndexedH2Backend}; the
 * memory backend's own unique index is a hash map already.
 */
public final class InMemoryUniqueIndex extends AbstractUniqueIndex<Object> {

    private final Map<KeyValue, Object> positions = new ConcurrentHashMap<>();

    public InMemoryUniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    @Override
    protected Object removeDocument(KeyValue key) {
        return positions.remove(key);
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
        return positions.putIfAbsent(key, position) == null;
    }

    @Override
    protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
        return positions.entrySet();
    }

    @Override
    protected Object getPosition(KeyValue key) {
        return positions.get(key);
    }

    @Override
    public long getCount() {
        return positions.size();
    }

    @Override
    public boolean isEmpty() {
        return positions.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }
}
