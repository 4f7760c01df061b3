package io.roster.query.audit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.query.consumer.ProjectionCollections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit log over a real MongoDB-wire server: one entry per event id, the first write stays. */
class AuditLogTest {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final AuditLog log = new AuditLog(new ProjectionCollections(client.getDatabase("audit"), "PT1S"));
    private final UUID org = UUID.randomUUID();

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void anEventRecordedAgainIsKeptOnceAsFirstWritten() {
        OrganizationRenamed renamed = new OrganizationRenamed(UUID.randomUUID(), Instant.parse("2025-03-01T09:30:00.000000001Z"),
                org, UUID.randomUUID(), "Acme");
        AuditEntry first = AuditEntry.of(new EventEnvelope(renamed, org.toString(), 4, "corr-1", null));

        assertThat(log.record(first)).isTrue();
        // a replay in which the correlation id was lost (another relay) must not rewrite the record
        assertThat(log.record(AuditEntry.of(EventEnvelope.of(renamed, 4)))).isFalse();

        assertThat(log.streamOf(org.toString()).into(new ArrayList<>())).containsExactly(first);
        assertThat(log.page(TimelineFilter.all(org), 10)).containsExactly(first);
    }

    @Test
    void aBatchRecordedAgainKeepsItsFirstEntriesAndAddsTheNewOnes() {
        List<OrganizationRenamed> events = List.of(renamed("Acme 0"), renamed("Acme 1"), renamed("Acme 2"));
        List<AuditEntry> first = new ArrayList<>();
        for (int sequence = 0; sequence < 3; sequence++) {
            first.add(AuditEntry.of(new EventEnvelope(events.get(sequence), org.toString(), sequence, "corr-" + sequence, null)));
        }
        log.recordAll(first.subList(0, 2));
        // the batch comes again after a failure, with the correlation ids lost: the first two stay as written
        log.recordAll(List.of(AuditEntry.of(EventEnvelope.of(events.get(0), 0)), AuditEntry.of(EventEnvelope.of(events.get(1), 1)),
                first.get(2)));
        log.recordAll(List.of());

        assertThat(log.streamOf(org.toString()).into(new ArrayList<>())).containsExactlyElementsOf(first);
    }

    private OrganizationRenamed renamed(String name) {
        return new OrganizationRenamed(UUID.randomUUID(), Instant.parse("2025-03-01T09:30:00Z"), org, UUID.randomUUID(), name);
    }
}
