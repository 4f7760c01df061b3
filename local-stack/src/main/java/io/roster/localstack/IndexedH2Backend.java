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
import io.roster.embeddedmongo.CollectionIndexes;
import io.roster.embeddedmongo.InMemoryUniqueIndex;
import io.roster.embeddedmongo.SnapshotReads;
import io.roster.embeddedmongo.ValueListPrefilter;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;

/**
 * mongo-java-server's H2 backend, except that a filter naming a unique index's keys <em>and more</em> is
 * answered through that index. The stock server uses an index only for a filter with exactly its keys, so
 * {@code {_id: x, leaseToken: y}} (every fenced update of the notification service) or
 * {@code {_id: {$in: [...]}, outcomeEventId: ...}} read and decode the whole collection; under the bulk
 * benchmark those scans kept the Mongo-wire server's threads busy and every service queued behind them
 * (about 30 million documents matched per run; about 1.4 million with this class, nearly all of them list
 * pages sorted on non-unique indexes, which mongo-java-server does not use at all). Which documents match
 * does not change: the index only chooses the candidates, the whole filter still decides (see
 * embedded-mongo's {@link CollectionIndexes}).
 * <p>
 * It also keeps the indexes mongo-java-server ignores: every non-unique or compound index is held in memory, built
 * from the documents after the server opens (the H2 file keeps only the documents) and kept at the three storage
 * primitives every write ends in, and used for the shapes Roster sends (the Axon relay's {@code timestamp} range sorted
 * by {@code (timestamp, sequenceNumber)}, an aggregate's events after a sequence number, the member lists' sorted
 * pages), so they cost what their result costs, not what the collection holds. All of that is
 * {@link CollectionIndexes}, which test-support's in-memory server uses too.
 */
public final class IndexedH2Backend extends H2Backend {

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

        /** mongo-java-server keeps no secondary index (and warns so); {@link Collection} keeps its own in {@link CollectionIndexes}. */
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

    /** H2's collection, keeping its declared indexes in {@link CollectionIndexes} and answering reads as {@link SnapshotReads}. */
    private static final class Collection extends H2Collection {

        private final CollectionIndexes<Object> indexes;
        private final SnapshotReads snapshots = new SnapshotReads();
        /** The prefilter of the query last matched: the matcher is called once per candidate with the same query. */
        private Document prefilteredQuery;
        private ValueListPrefilter prefilter;

        Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                   MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap,
                   CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
            // natural order: the data map's key order, which a full scan follows
            this.indexes = new CollectionIndexes<>(getFullName(), this, dataMap.getKeyType(), this::streamAllDocumentsWithPosition);
        }

        /** Synchronized like every write of the collection: the declared indexes change under the lock the writes hold. */
        @Override
        public synchronized void addIndex(Index<Object> index) {
            super.addIndex(index);
            indexes.declare(index);
        }

        @Override
        public synchronized void dropIndex(String indexName) {
            super.dropIndex(indexName);
            indexes.drop(indexName);
        }

        // The three storage primitives every insert, upsert, update, findAndModify and delete ends in.

        @Override
        protected Object addDocumentInternal(Document document) {
            Object position = super.addDocumentInternal(document);
            indexes.added(document, position);
            return position;
        }

        @Override
        protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            super.handleUpdate(position, oldDocument, newDocument);
            indexes.updated(position, oldDocument, newDocument);
        }

        @Override
        protected void removeDocument(Object position) {
            Document document = getDocument(position);
            super.removeDocument(position);
            indexes.removed(document, position);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            CollectionIndexes.Candidates<Object> candidates = indexes.candidates(query, orderBy, limit);
            if (candidates == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return matchDocumentsFromStream(candidates.documents(this::getDocument), query, candidates.sortLeft(orderBy),
                    numberToSkip, limit, batchSize, fieldSelector);
        }

        /** A candidate that a long {@code $in}/{@code $nin} list turns away is not handed to the matcher: see {@link ValueListPrefilter}. */
        @Override
        protected synchronized boolean documentMatchesQuery(Document document, Document query) {
            if (query != prefilteredQuery) {
                prefilteredQuery = query;
                prefilter = ValueListPrefilter.of(query);
            }
            return prefilter.mayMatch(document) && super.documentMatchesQuery(document, query);
        }

        // Reads answer copies made under the lock: see SnapshotReads.

        @Override
        public synchronized QueryResult handleQuery(QueryParameters query) {
            return snapshots.answer(super.handleQuery(query));
        }

        @Override
        protected Cursor createCursor(List<Document> remaining) {
            return super.createCursor(SnapshotReads.copies(remaining));
        }

        @Override
        public synchronized Document findAndModify(Document query) {
            return snapshots.findAndModify(() -> super.findAndModify(query));
        }
    }
}
