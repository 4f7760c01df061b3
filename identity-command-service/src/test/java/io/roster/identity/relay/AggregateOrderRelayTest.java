package io.roster.identity.relay;

import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the sweep off, the relay alone keeps an aggregate's order: an event its tracking processor passed (inserted
 * 1.5 s after it was stamped) is read back from the event store and published right before the aggregate's next
 * event. Without that, the topic had [0, 1, 3].
 */
@TestPropertySource(properties = "roster.relay.sweep-interval=PT1H")
class AggregateOrderRelayTest extends RelayHttpTest {

    @Test
    void anEventTheProcessorPassedGoesOutRightBeforeTheNextEventOfItsAggregate() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Ordered Ltd");
        awaitSequences(organization, List.of(0L, 1L));
        double repairedBefore = repaired("order");

        DomainEventMessage<?> stamped = renamed(organization, 2, Instant.now(), "Renamed late");
        await("1.5 s between the event's timestamp and its insert").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Instant.now().isAfter(stamped.getTimestamp().plusMillis(1500)));
        relayMovesPastNow(admin);
        storage.appendEvents(stamped);
        storage.appendEvents(renamed(organization, 3, Instant.now(), "Renamed after"));

        awaitSequences(organization, List.of(0L, 1L, 2L, 3L));
        assertThat(repaired("order") - repairedBefore).as("events the relay read back from the store").isEqualTo(1.0);
        assertThat(repaired("sweep")).as("the sweep is off here").isZero();
    }
}
