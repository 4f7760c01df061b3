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
}
