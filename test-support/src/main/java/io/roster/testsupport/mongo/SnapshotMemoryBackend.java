package io.roster.testsupport.mongo;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import io.roster.embeddedmongo.CollectionIndexes;
import io.roster.embeddedmongo.SnapshotReads;

import java.util.Comparator;
import java.util.List;

/**
 * mongo-java-server's in-memory backend (the service tests' server), with what the local stack's server has too
 * (embedded-mongo):
 * <ul>
 *   <li>a read answers copies of the documents taken under the collection's lock ({@link SnapshotReads}). The stock
 *       backend answers the stored objects themselves and serializes them to the client after the lock is released,
 *       while an update rewrites a stored object field by field: a read could see a new {@code version} beside an old
 *       list, so a compare-and-swap on {@code version} (a link's quota reservations, a rate limit's bucket) wrote back
 *       stale state. MongoDB never answers such a torn document; with this backend the service tests' server does not
 *       either ({@link SnapshotReadCheck}).
 *   <li>queries use the declared indexes ({@link CollectionIndexes}): the stock backend keeps no non-unique index and
 *       uses a compound one only for a filter of exactly its keys, so loading an aggregate (its events after the
 *       snapshot, by {@code (aggregateIdentifier, sequenceNumber)}) read every event of the test JVM
 *       ({@link IndexedQueryCheck} shows the answers do not change).
 * </ul>
 */
public final class SnapshotMemoryBackend extends MemoryBackend {

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName, getCursorRegistry());
    }

    private static final class Database extends MemoryDatabase {

        Database(String databaseName, CursorRegistry cursorRegistry) {
            super(databaseName, cursorRegistry);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new Collection(this, collectionName, options, cursorRegistry);
        }

        /** mongo-java-server keeps no secondary index (and warns so); {@link Collection} keeps its own in {@link CollectionIndexes}. */
        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                            boolean sparse) {
            return new EmptyIndex<>(indexName, keys);
        }
    }

    private static final class Collection extends MemoryCollection {

        private final CollectionIndexes<Integer> indexes;
        private final SnapshotReads snapshots = new SnapshotReads();

        Collection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
            // natural order: the document list's index, which a full scan follows
            this.indexes = new CollectionIndexes<>(getFullName(), this, Comparator.naturalOrder(), this::streamAllDocumentsWithPosition);
        }

        /** Synchronized like every write of the collection: the declared indexes change under the lock the writes hold. */
        @Override
        public synchronized void addIndex(Index<Integer> index) {
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
        protected Integer addDocumentInternal(Document document) {
            Integer position = super.addDocumentInternal(document);
            indexes.added(document, position);
            return position;
        }

        /**
         * A no-op in the stock backend: the update has already changed the stored document in place when this runs
         * (AbstractMongoCollection.updateDocument), and {@code oldDocument} is its deep copy from before.
         */
        @Override
        protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
            super.handleUpdate(position, oldDocument, newDocument);
            indexes.updated(position, oldDocument, newDocument);
        }

        @Override
        protected void removeDocument(Integer position) {
            Document document = getDocument(position);
            super.removeDocument(position);
            indexes.removed(document, position);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            CollectionIndexes.Candidates<Integer> candidates = indexes.candidates(query, orderBy, limit);
            if (candidates == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return matchDocumentsFromStream(candidates.documents(this::getDocument), query, candidates.sortLeft(orderBy),
                    numberToSkip, limit, batchSize, fieldSelector);
        }

        // Reads answer copies made under the lock: see SnapshotReads.

        /** A client's query: its first batch as copies (a findAndModify's own query gets the stored documents). */
        @Override
        public synchronized QueryResult handleQuery(QueryParameters query) {
            return snapshots.answer(super.handleQuery(query));
        }

        /** The rest of a client's query, for its getMore requests: copies too, made in the query, under the lock. */
        @Override
        protected Cursor createCursor(List<Document> remaining) {
            return super.createCursor(SnapshotReads.copies(remaining));
        }

        /** The document a findAndModify answers (with {@code new: true}, the stored object), copied under the lock. */
        @Override
        public synchronized Document findAndModify(Document query) {
            return snapshots.findAndModify(() -> super.findAndModify(query));
        }
    }
}
