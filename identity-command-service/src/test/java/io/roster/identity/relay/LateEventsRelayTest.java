package io.roster.identity.relay;

import io.roster.kit.axon.EventStoreKafkaRelay;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.axonframework.config.EventProcessingConfiguration;
import org.bson.Document;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13's D2 in one process: the relay's tracking processor reads the Mongo event store by timestamp with a 1 s
 * look-back, so an event that becomes visible more than 1 s after its timestamp lies behind the processor's token
 * for good. Two ways it happens, both made here by appending to the event store directly once the relay has
 * published events stamped later: an append that reaches MongoDB 1.5 s after its event was stamped (a GC pause, a
 * slow or retried write), and an event stamped by a replica whose clock is 2 s behind. Every such event must still
 * reach the topic, and before the aggregate's later events. (With real processes and a skewed event clock:
 * local-stack's {@code RelayClockSkewEndToEndIT}.) Both tests failed before the relay kept its outbox flags: the
 * topic had [0, 1, 3] and [0, 1].
 *
 * <p>A context of its own (the property below), so that the relay and its store hold only these tests' events.
 */
@TestPropertySource(properties = "roster.relay.sweep-interval=PT0.5S")
class LateEventsRelayTest extends RelayHttpTest {

    @Autowired
    private EventProcessingConfiguration processing;

    @Test
    void anEventInsertedLongAfterItsTimestampReachesTheTopicBeforeTheAggregatesNextEvent() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Late Ltd");
        awaitSequences(organization, List.of(0L, 1L));

        DomainEventMessage<?> stamped = renamed(organization, 2, Instant.now(), "Renamed late");
        await("1.5 s between the event's timestamp and its insert").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Instant.now().isAfter(stamped.getTimestamp().plusMillis(1500)));
        relayMovesPastNow(admin);
        storage.appendEvents(stamped);
        storage.appendEvents(renamed(organization, 3, Instant.now(), "Renamed after"));

        awaitSequences(organization, List.of(0L, 1L, 2L, 3L));
    }

    @Test
    void anEventStampedByAClockTwoSecondsBehindReachesTheTopicWithNothingAfterIt() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Skewed Ltd");
        awaitSequences(organization, List.of(0L, 1L));

        Instant relayed = relayMovesPastNow(admin);
        storage.appendEvents(renamed(organization, 2, relayed.minusSeconds(2), "Renamed by a slow clock"));

        awaitSequences(organization, List.of(0L, 1L, 2L));
    }

    @Test
    void theRelayLagIsTheAgeOfTheOldestStoredEventNotYetOnKafka() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Lagging Ltd");
        awaitSequences(organization, List.of(0L, 1L));
        await("no lag").atMost(Duration.ofSeconds(10)).until(() -> relayLag() == 0);

        TrackingEventProcessor relay = processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class)
                .orElseThrow();
        relay.shutDown();
        try {
            storage.appendEvents(renamed(organization, 2, Instant.now().minusSeconds(30), "Waiting"));
            await("the waiting event's age").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(relayLag()).isBetween(30.0, 40.0));
        } finally {
            relay.start();
        }
        awaitSequences(organization, List.of(0L, 1L, 2L));
        await("no lag once it is on Kafka").atMost(Duration.ofSeconds(10)).until(() -> relayLag() == 0);
    }

    @Test
    void aFlaggedEventTheRelayRecordedAsPublishedIsSettledNotLeftWaiting() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Settled Ltd");
        awaitSequences(organization, List.of(0L, 1L));
        Instant relayed = relayMovesPastNow(admin);
        // a pass that recorded #2 as on Kafka and died before it cleared the event's flag
        mongo.getCollection("relay-published-v1").updateOne(Filters.eq("_id", organization.toString()),
                Updates.max("sequence", 2L), new UpdateOptions().upsert(true));
        storage.appendEvents(renamed(organization, 2, relayed.minusSeconds(5), "Recorded, still flagged"));

        await("the flag cleared").atMost(Duration.ofSeconds(10)).until(() -> mongo.getCollection("domainevents")
                .find(new Document("aggregateIdentifier", organization.toString()).append("sequenceNumber", 2L))
                .first().get("relayPending") == null);
        assertThat(firstOccurrences(organization.toString())).as("the record is trusted: nothing sent").containsExactly(0L, 1L);
    }
}
