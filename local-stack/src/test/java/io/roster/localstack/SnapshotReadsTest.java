package io.roster.localstack;

import io.roster.testsupport.mongo.SnapshotReadCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The local stack's Mongo-wire server ({@link IndexedH2Backend}) never answers half an update, and keeps every write.
 * Without embedded-mongo's {@link io.roster.embeddedmongo.SnapshotReads}, a crowd signing up through one public link
 * got 995 places of a quota of 1000 (the hot-organization benchmark): stale reservation lists written back by a
 * compare-and-swap that read a torn document; and the check found 6 torn documents in 3000 reads.
 */
class SnapshotReadsTest {

    @TempDir
    Path folder;

    @Test
    void readsAreNeverTornAndWritesStick() throws InterruptedException {
        SnapshotReadCheck.holdsOn(new IndexedH2Backend(folder.resolve("roster.mv").toString()));
    }
}
