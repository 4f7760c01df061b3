package io.roster.testsupport.mongo;

import org.junit.jupiter.api.Test;

/**
 * The service tests' Mongo-wire server never answers half an update, and keeps every write. With the stock
 * in-memory backend instead, the check finds torn documents within a few thousand reads.
 */
class SnapshotMemoryBackendTest {

    @Test
    void readsAreNeverTornAndWritesStick() throws InterruptedException {
        SnapshotReadCheck.holdsOn(new SnapshotMemoryBackend());
    }
}
