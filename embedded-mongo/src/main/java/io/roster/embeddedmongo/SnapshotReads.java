package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Copies of what a read answers, made while the collection's lock is held. mongo-java-server serializes a query's
 * documents to the client after the lock is released, and its updates rewrite the stored documents field by field:
 * without copies a read can see half an update, and a compare-and-swap on a version (a link's quota reservations, a
 * rate limit's bucket) then wrote back stale state. MongoDB never answers such a torn document.
 * <p>
 * One per collection; each backend's collection overrides three methods, each a line calling this (their base classes
 * differ, so the overrides cannot be shared): {@code handleQuery} ({@link #answer}), {@code createCursor}
 * ({@link #copies}, the rest of a query for its getMore requests) and {@code findAndModify} ({@link #findAndModify}).
 * test-support's {@code SnapshotReadCheck} shows what goes wrong without them.
 */
public final class SnapshotReads {

    /**
     * Set while a findAndModify runs: its own query (which comes through handleQuery too) must find the stored document,
     * which it then updates in place. Guarded by the collection's lock, which handleQuery and findAndModify hold.
     */
    private boolean modifying;

    /** A query's first batch as copies, unless it is a findAndModify's own query. Call under the collection's lock. */
    public QueryResult answer(QueryResult result) {
        return modifying ? result : new QueryResult(copies(result), result.getCursorId());
    }

    /**
     * Runs a findAndModify (the collection's super call) and copies the document it answers (with {@code new: true},
     * the stored object). Call under the collection's lock.
     */
    public Document findAndModify(Supplier<Document> findAndModify) {
        modifying = true;
        Document result;
        try {
            result = findAndModify.get();
        } finally {
            modifying = false;
        }
        if (result.get("value") instanceof Document value) {
            result.put("value", value.cloneDeeply());
        }
        return result;
    }

    public static List<Document> copies(Iterable<Document> documents) {
        List<Document> copies = new ArrayList<>();
        documents.forEach(document -> copies.add(document.cloneDeeply()));
        return copies;
    }
}
