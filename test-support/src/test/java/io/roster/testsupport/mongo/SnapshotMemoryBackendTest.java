package io.roster.testsupport.mongo;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The service tests' Mongo-wire server never answers half an update, and keeps every write. With the stock
 * in-memory backend instead, the check finds torn documents within a few thousand reads. Its indexes answer what a
 * scan answers (figures in target/snapshot-memory-random-queries-report.txt).
 */
class SnapshotMemoryBackendTest {

    private static final Logger log = LoggerFactory.getLogger(SnapshotMemoryBackendTest.class);

    @Test
    void readsAreNeverTornAndWritesStick() throws InterruptedException {
        SnapshotReadCheck.holdsOn(new SnapshotMemoryBackend());
    }

    @Test
    void randomQueriesThroughTheIndexesGiveWhatAFullScanGivesThroughRandomWrites() throws IOException {
        IndexedQueryCheck.Result result = IndexedQueryCheck.randomQueries(new SnapshotMemoryBackend());
        result.report().forEach(line -> log.info("snapshot-memory-random-queries: {}", line));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "snapshot-memory-random-queries-report.txt"), result.report());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(result.mismatches()).as("queries whose indexed answer differs from the scan's").isEmpty();
        softly.assertThat(result.indexedDocuments()).as("documents after the writes").isEqualTo(result.scannedDocuments());
        softly.assertThat(result.nonEmpty()).as("queries with results (the comparison is not of empty lists)")
                .isGreaterThan(result.compared() / 3);
        softly.assertAll();
    }
}
