package io.roster.testsupport.mongo;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * mongo-java-server's in-memory backend, except that a read answers copies of the documents taken under the
 * collection's lock. The stock backend answers the stored objects themselves and serializes them to the client after
 * the lock is released, while an update rewrites a stored object field by field: a read could see a new
 * {@code version} beside an old list, so a compare-and-swap on {@code version} (a link's quota reservations, a rate
 * limit's bucket) wrote back stale state. MongoDB never answers such a torn document; with this backend the service
 * tests' server does not either ({@link SnapshotReadCheck}).
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
    }

    private static final class Collection extends MemoryCollection {

        Collection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
        }

        /** Set while a findAndModify runs: its own query must find the stored document, which it then updates in place. */
        private boolean modifying;

        /**
         * A client's query: its first batch as copies, made while the lock is held. The backend's own updates change
         * the documents their queries find in place, so findAndModify's query (which comes through here too) gets them.
         */
        @Override
        public synchronized QueryResult handleQuery(QueryParameters query) {
            QueryResult result = super.handleQuery(query);
            return modifying ? result : new QueryResult(copies(result), result.getCursorId());
        }

        /** The rest of a client's query, for its getMore requests: copies too, made in the query, under the lock. */
        @Override
        protected Cursor createCursor(List<Document> remaining) {
            return super.createCursor(copies(remaining));
        }

        /** The document a findAndModify answers (with {@code new: true}, the stored object), copied under the lock. */
        @Override
        public synchronized Document findAndModify(Document query) {
            modifying = true;
            Document result;
            try {
                result = super.findAndModify(query);
            } finally {
                modifying = false;
            }
            if (result.get("value") instanceof Document value) {
                result.put("value", value.cloneDeeply());
            }
            return result;
        }
    }

    private static List<Document> copies(Iterable<Document> documents) {
        List<Document> copies = new ArrayList<>();
        documents.forEach(document -> copies.add(document.cloneDeeply()));
        return copies;
    }
}
