package io.roster.localstack;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

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
 * <p>
 * It also keeps the indexes mongo-java-server ignores: every non-unique or compound index gets an in-memory
 * {@link OrderedIndex}, built from the documents after the server opens (the H2 file keeps only the documents)
 * and kept at the three storage primitives every write ends in. {@link IndexPlanner} picks one for the shapes
 * Roster sends (the Axon relay's {@code timestamp} range sorted by {@code (timestamp, sequenceNumber)}, an
 * aggregate's events after a sequence number, the member lists' sorted pages), so they cost what their result
 * costs, not what the collection holds; the whole filter still decides every candidate.
 */
public final class IndexedH2Backend extends H2Backend {

    private static final Logger log = LoggerFactory.getLogger(IndexedH2Backend.class);

    /** Public for the benchmark (io.roster.localstack.bench.IndexedQueryBenchmark), which compares it with the stock backend. */
    public IndexedH2Backend(String fileName) {
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

        /** In memory, not in H2's index map: see {@link InMemoryUniqueIndex}. */
        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            return new InMemoryUniqueIndex(indexName, keys, sparse);
        }

        /** mongo-java-server keeps no secondary index (and warns so); {@link Collection} keeps its own, see there. */
        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                           boolean sparse) {
            return new EmptyIndex<>(indexName, keys);
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
        private final List<OrderedIndex> orderedIndexes = new CopyOnWriteArrayList<>();
        /** Declared, not yet filled: see {@link #buildDeclaredIndexes()}. Guarded by the collection's lock. */
        private final List<OrderedIndex> unbuilt = new ArrayList<>();
        private final Comparator<Object> naturalOrder;

        Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                   MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap,
                   CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
            this.naturalOrder = dataMap.getKeyType();
        }

        /** Synchronized like every write of the collection: the declared indexes change under the lock the writes hold. */
        @Override
        public synchronized void addIndex(Index<Object> index) {
            super.addIndex(index);
            if (indexes.stream().noneMatch(known -> known.getName().equals(index.getName()))) {
                indexes.add(index);
                // a one-key unique index answers equality itself (and through UniqueKeyLookup); the rest need order
                if (!index.isUnique() || index.getKeys().size() > 1) {
                    unbuilt.add(new OrderedIndex(index.getName(), index.getKeys(), naturalOrder));
                }
            }
        }

        /**
         * Fills the indexes declared since the last call, in one read of the collection (the database declares them
         * one by one when it opens, and each read of a large H2 file takes long), before the first query or write
         * that needs them.
         */
        private synchronized void buildDeclaredIndexes() {
            if (unbuilt.isEmpty()) {
                return;
            }
            long started = System.nanoTime();
            streamAllDocumentsWithPosition().forEach(each -> unbuilt.forEach(index -> index.add(each.getDocument(), each.getPosition())));
            orderedIndexes.addAll(unbuilt);
            log.info("indexes {} of {}: {} documents read in {} ms", unbuilt.stream().map(OrderedIndex::name).toList(),
                    getFullName(), count(), (System.nanoTime() - started) / 1_000_000);
            unbuilt.clear();
        }

        @Override
        public synchronized void dropIndex(String indexName) {
            super.dropIndex(indexName);
            indexes.removeIf(index -> index.getName().equals(indexName));
            orderedIndexes.removeIf(index -> index.name().equals(indexName));
            unbuilt.removeIf(index -> index.name().equals(indexName));
        }

        // The three storage primitives every insert, upsert, update, findAndModify and delete ends in.

        @Override
        protected Object addDocumentInternal(Document document) {
            buildDeclaredIndexes();
            Object position = super.addDocumentInternal(document);
            orderedIndexes.forEach(index -> index.add(document, position));
            return position;
        }

        @Override
        protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            buildDeclaredIndexes();
            super.handleUpdate(position, oldDocument, newDocument);
            orderedIndexes.forEach(index -> {
                index.remove(oldDocument, position);
                index.add(newDocument, position);
            });
        }

        @Override
        protected void removeDocument(Object position) {
            buildDeclaredIndexes();
            Document document = getDocument(position);
            super.removeDocument(position);
            if (document != null) {
                orderedIndexes.forEach(index -> index.remove(document, position));
            }
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            buildDeclaredIndexes();
            if (indexes.stream().anyMatch(index -> index.canHandle(query)) || isNaturalOrder(orderBy)) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            Iterable<Object> candidates = UniqueKeyLookup.candidates(query, indexes);
            if (candidates != null) {
                return matchDocuments(query, candidates, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            IndexPlanner.Scan scan = IndexPlanner.plan(query, orderBy, limit > 0, orderedIndexes);
            if (scan == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            // lazily fetched: a walk in sort order stops at the limit; a concurrent delete leaves no document behind
            Stream<Document> documents = scan.positions().map(this::getDocument).filter(Objects::nonNull);
            return matchDocumentsFromStream(documents, query, scan.inSortOrder() ? null : orderBy, numberToSkip, limit,
                    batchSize, fieldSelector);
        }

        private static boolean isNaturalOrder(Document orderBy) {
            return orderBy != null && orderBy.containsKey("$natural");
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
