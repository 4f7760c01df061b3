package io.roster.query.consistency;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.query.AbstractServiceTest;
import io.roster.query.consumer.ProjectionSequences;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reads that carry a Consistency-Token wait together ({@link AppliedSequenceWatch}): one released by another
 * instance's progress (seen only in MongoDB), and many waiting at once costing one poll per interval between them.
 */
class ConsistencyWaitServiceTest extends AbstractServiceTest {

    private final UUID admin = UUID.randomUUID();

    @Autowired
    private AppliedSequenceWatch watch;
    @Autowired
    private MongoDatabase database;
    @Autowired
    private ProjectionCollections collections;
    @Autowired
    private MeterRegistry meters;

    @Test
    void aWaitingReadIsReleasedWhenAnotherInstanceRecordsTheSequence() {
        UUID org = organization("Elsewhere");
        // sequence 7 of the organization is applied by nobody here: another instance records it below
        String ahead = ConsistencyToken.of(org.toString(), 7).encode();
        CompletableFuture<WebTestClient.ResponseSpec> read = CompletableFuture.supplyAsync(() -> readOrganization(org, ahead));
        await().atMost(Duration.ofSeconds(3)).until(() -> watch.waiting() >= 1);

        database.getCollection(appliedSequences()).updateOne(Filters.eq("_id", org.toString()), Updates.max("sequence", 7L),
                new UpdateOptions().upsert(true));

        read.join().expectStatus().isOk().expectHeader().valueEquals(ConsistencyGate.REACHED_HEADER, "true");
    }

    @Test
    void manyReadsWaitingAtOnceShareOnePollAndAreAnsweredWhenTheWaitIsOver() throws Exception {
        UUID org = organization("Crowded");
        int readers = 40;
        long findsBefore = appliedSequenceFinds();
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            List<CompletableFuture<WebTestClient.ResponseSpec>> reads = IntStream.range(0, readers)
                    .mapToObj(i -> new ConsistencyToken(Map.of(org.toString(), 1L, UUID.randomUUID().toString(), 0L)).encode())
                    .map(never -> CompletableFuture.supplyAsync(() -> readOrganization(org, never), pool))
                    .toList();
            // never reached: answered from what is there once the 5 s are over
            reads.forEach(read -> read.join().expectStatus().isOk()
                    .expectHeader().valueEquals(ConsistencyGate.REACHED_HEADER, "false"));
        } finally {
            pool.shutdownNow();
        }
        long finds = appliedSequenceFinds() - findsBefore;
        // each on its own would poll every 15 ms for 5 s: 40 × 333 finds; together one first read each and one
        // poll per 15 ms for all of them
        assertThat(finds).as("finds of the applied sequences while %d reads waited", readers).isLessThan(readers + 2 * 5000 / 15);
        assertThat(watch.waiting()).isZero();
    }

    /** The header tells what the wait reached also when the read after it is refused (a stranger: 404). */
    @Test
    void aRefusedReadStillSaysWhetherItsTokenWasReached() {
        UUID org = organization("Private");
        web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(UUID.randomUUID())))
                .header(ConsistencyToken.HEADER, ConsistencyToken.of(org.toString(), 1).encode())
                .exchange().expectStatus().isNotFound()
                .expectHeader().valueEquals(ConsistencyGate.REACHED_HEADER, "true");
    }

    private WebTestClient.ResponseSpec readOrganization(UUID org, String consistency) {
        return web.mutate().responseTimeout(Duration.ofSeconds(30)).build()
                .get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, consistency).exchange();
    }

    private UUID organization(String name) {
        UUID org = UUID.randomUUID();
        String token = publish(log.organizationCreated(org, name), log.memberAdded(org, admin, List.of("admin")));
        get(tokenOf(admin), token, "/api/v1/organizations/{id}", org).expectStatus().isOk();
        return org;
    }

    private String appliedSequences() {
        return VersionedCollection.physicalName(ProjectionSequences.COLLECTION, collections.activeVersion());
    }

    private long appliedSequenceFinds() {
        return meters.find("mongodb.driver.commands").tag("collection", appliedSequences()).tag("command", "find")
                .timers().stream().mapToLong(Timer::count).sum();
    }
}
