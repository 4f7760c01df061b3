package io.roster.localstack;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * mongo-java-server's H2 backend, except that a filter naming a unique index's keys <em>and more</em> is
 * answered through that index. The stock server uses an index only for a filter with exactly its keys, so
 * {@code {_id: x, leaseToken: y}} (every fenced update of the notification service) or
 * {@code {_id: {$in: [...]}, outcomeEventId: ...}} read and decode the whole collection; under the bulk
 * benchmark those scans kept the Mongo-wire server's threads busy and every service queued behind them
 * (about 30 million documents matched per run; about 1.4 million with this class, nearly all of them list
 * pages sorted on non-unique indexes, which mongo-java-server does not use at all). Which documents match
 * does not change: the index only chooses the candidates, the whole filter still decides (see
 * {@link UniqueKeyLookup}).
 */
final class IndexedH2Backend extends H2Backend {

    IndexedH2Backend(String fileName) {
        super(fileName);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    /**
     * H2's database, opening the collections below under H2Database's own map names. An inner class: its
     * constructor opens the system collections before any field of its own is set, but the backend (whose
     * store it needs) is already bound then.
     */
    private final class Database extends H2Database {

        Database(String databaseName) {
            super(databaseName, getMvStore(), getCursorRegistry());
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            MVStore store = getMvStore();
            String fullName = getFullCollectionNamespace(collectionName);
            return new Collection(this, collectionName, options, store.openMap("databases." + fullName),
                    store.openMap("meta." + fullName), cursorRegistry);
        }
    }

    private static final class Collection extends H2Collection {

        private final List<Index<Object>> indexes = new CopyOnWriteArrayList<>();

        Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                   MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap,
                   CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        public void addIndex(Index<Object> index) {
            super.addIndex(index);
            if (indexes.stream().noneMatch(known -> known.getName().equals(index.getName()))) {
                indexes.add(index);
            }
        }

        @Override
        public void dropIndex(String indexName) {
            super.dropIndex(indexName);
            indexes.removeIf(index -> index.getName().equals(indexName));
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            Iterable<Object> candidates = UniqueKeyLookup.candidates(query, indexes);
            if (candidates == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return matchDocuments(query, candidates, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        // Reads answer copies, as MongoDB's never answer a torn document: the stock backend serializes the stored
        // objects after releasing its lock, while an update rewrites them field by field, and a compare-and-swap on a
        // version (a link's quota reservations) then wrote back stale state. See SnapshotReads.

        /** Set while a findAndModify runs: its own query must find the stored document, which it then updates. */
        private boolean modifying;

        @Override
        public synchronized QueryResult handleQuery(QueryParameters query) {
            QueryResult result = super.handleQuery(query);
            return modifying ? result : new QueryResult(SnapshotReads.copies(result), result.getCursorId());
        }

        @Override
        protected Cursor createCursor(List<Document> remaining) {
            return super.createCursor(SnapshotReads.copies(remaining));
        }

        @Override
        public synchronized Document findAndModify(Document query) {
            modifying = true;
            try {
                return SnapshotReads.copyValue(super.findAndModify(query));
            } finally {
                modifying = false;
            }
        }
    }
}
