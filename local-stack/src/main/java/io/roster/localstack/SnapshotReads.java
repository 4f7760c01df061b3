package io.roster.localstack;

import de.bwaldvogel.mongo.bson.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies of what a read answers, made while the collection's lock is held. mongo-java-server serializes a query's
 * documents to the client after the lock is released, and its updates rewrite the stored documents field by field:
 * without copies a read can see half an update (test-support's SnapshotMemoryBackend does the same for the service
 * tests' in-memory server; {@code SnapshotReadsTest} shows it).
 */
final class SnapshotReads {

    private SnapshotReads() {
    }

    static List<Document> copies(Iterable<Document> documents) {
        List<Document> copies = new ArrayList<>();
        documents.forEach(document -> copies.add(document.cloneDeeply()));
        return copies;
    }

    /** A findAndModify's answer with its {@code value} (with {@code new: true}, the stored object) copied. */
    static Document copyValue(Document findAndModifyResult) {
        if (findAndModifyResult.get("value") instanceof Document value) {
            findAndModifyResult.put("value", value.cloneDeeply());
        }
        return findAndModifyResult;
    }
}
