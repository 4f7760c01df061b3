package io.roster.invitation.bulk;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bulk job whose process died stays {@code running} in the store; every instance must report it {@code failed} once
 * its heartbeat is older than {@link BulkJobs#ABANDONED_AFTER}, and never a job whose process is alive.
 */
class BulkJobsTest {

    private static final UUID ORGANIZATION = UUID.randomUUID();
    private static final UUID ADMIN = UUID.randomUUID();

    private MongoServer server;
    private MongoClient client;
    private MongoDatabase database;
    private final MutableClock clock = MutableClock.fixedAt(Instant.parse("2026-12-06T10:00:00Z"));
    private BulkJobs running;
    private BulkJobs asked;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        database = client.getDatabase("roster-invitation");
        running = new BulkJobs(database, clock);
        asked = new BulkJobs(database, clock);
    }

    @AfterEach
    void stop() {
        running.stopHeartbeat();
        asked.stopHeartbeat();
        client.close();
        server.shutdownNow();
    }

    @Test
    void aJobWhoseProcessDiedIsReportedFailedOnceItsHeartbeatIsStale() {
        UUID job = UUID.randomUUID();
        running.started(job, ORGANIZATION, ADMIN, 1000, clock.instant());
        running.stopHeartbeat(); // the process running it is gone

        clock.advance(BulkJobs.ABANDONED_AFTER);
        assertThat(asked.find(job).orElseThrow().status()).as("not yet stale").isEqualTo(BulkJobs.RUNNING);

        clock.advance(Duration.ofSeconds(1));
        assertThat(asked.find(job).orElseThrow().status()).isEqualTo(BulkJobs.FAILED);
        assertThat(database.getCollection("bulk-invitation-jobs-v1").find().first().getString("status"))
                .as("recorded, not only reported").isEqualTo(BulkJobs.FAILED);
    }

    @Test
    void aJobWhoseProcessLivesKeepsRunningHoweverLongItTakes() {
        UUID job = UUID.randomUUID();
        running.started(job, ORGANIZATION, ADMIN, 1000, clock.instant());

        clock.advance(BulkJobs.ABANDONED_AFTER.plusSeconds(5));
        // the running process's next heartbeat (every 2 s) stamps the present
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> database.getCollection("bulk-invitation-jobs-v1").find().first().getDate("heartbeatAt")
                        .toInstant().equals(clock.instant()));
        assertThat(asked.find(job).orElseThrow().status()).isEqualTo(BulkJobs.RUNNING);

        running.completed(job, ORGANIZATION, ADMIN, 1000, 1000, List.of(), clock.instant());
        running.finishedHere(job);
        assertThat(asked.find(job).orElseThrow().status()).isEqualTo(BulkJobs.COMPLETED);
    }
}
