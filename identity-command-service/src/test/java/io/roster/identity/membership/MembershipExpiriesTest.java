package io.roster.identity.membership;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.testsupport.mongo.SentCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The due list's writes over a real MongoDB-wire server: the entry follows the organization's latest event whatever
 * order the live and the repair processor apply them in, and the common cases cost one command.
 */
class MembershipExpiriesTest {

    private static final Instant JUNE = Instant.parse("2027-06-01T00:00:00Z");
    private static final Instant JULY = Instant.parse("2027-07-01T00:00:00Z");

    private final UUID organization = UUID.randomUUID();
    private final UUID user = UUID.randomUUID();
    private final SentCommands commands = new SentCommands();
    private MongoServer server;
    private MongoClient client;
    private MembershipExpiries expiries;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = commands.client("mongodb://127.0.0.1:" + address.getPort());
        MongoDatabase database = client.getDatabase("expiries");
        expiries = new MembershipExpiries(database);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aNewEntryAndAChangeAreOneWriteEachAndTheRepairOfARecordedEventIsOneRead() {
        commands.clear();
        expiries.record(organization, user, JUNE, 5);
        assertThat(commands.all()).containsExactly("update membership-expiries-v1");

        commands.clear();
        expiries.record(organization, user, JULY, 6);
        assertThat(commands.all()).containsExactly("update membership-expiries-v1");

        commands.clear();
        expiries.recordIfNewer(organization, user, JUNE, 5);
        expiries.recordIfNewer(organization, user, JULY, 6);
        assertThat(commands.all()).containsExactly("find membership-expiries-v1", "find membership-expiries-v1");
        assertThat(dueBy(JULY)).containsExactly(JULY);
    }

    @Test
    void anOlderEventAppliedAfterANewerOneChangesNothing() {
        expiries.record(organization, user, null, 7); // removed at #7
        expiries.record(organization, user, JUNE, 5); // the live write of the join #5 came late
        expiries.recordIfNewer(organization, user, JUNE, 5); // and the repair's
        assertThat(dueBy(JULY)).isEmpty();

        expiries.record(organization, user, JUNE, 9); // joined again until June
        expiries.record(organization, user, null, 7);
        assertThat(dueBy(JULY)).containsExactly(JUNE);
    }

    @Test
    void theRepairWritesWhatTheLiveWriteLeftOut() {
        expiries.recordIfNewer(organization, user, JUNE, 5); // the live write never happened
        assertThat(dueBy(JULY)).containsExactly(JUNE);
        expiries.record(organization, user, JUNE, 5); // it comes after all: the same entry
        expiries.recordIfNewer(organization, user, null, 6);
        assertThat(dueBy(JULY)).isEmpty();
    }

    /**
     * The live writes and the repair's at once, in any order, from several threads (two replicas, or a replica's live
     * write racing its repair): the entry ends as the latest event wrote it, whichever insert won the entry's id.
     */
    @Test
    void concurrentWritersInAnyOrderLeaveTheLatestEventsEndDate() throws Exception {
        List<Long> sequences = new ArrayList<>(LongStream.range(0, 200).boxed().toList());
        Collections.shuffle(sequences, new Random(3));
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (long sequence : sequences) {
                Instant expiresAt = JUNE.plusSeconds(sequence);
                writes.add(writers.submit(() -> {
                    expiries.record(organization, user, expiresAt, sequence);
                    expiries.recordIfNewer(organization, user, expiresAt, sequence);
                }));
            }
            for (Future<?> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        assertThat(dueBy(JULY)).containsExactly(JUNE.plusSeconds(199));
    }

    private List<Instant> dueBy(Instant when) {
        return expiries.due(when, 10).stream().map(MembershipExpiries.Due::expiresAt).toList();
    }
}
