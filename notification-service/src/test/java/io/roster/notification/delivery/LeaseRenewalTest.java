package io.roster.notification.delivery;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.PasswordResetReason;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.notification.NotificationKind;
import io.roster.kit.mongo.MongoConfiguration;
import io.roster.kit.mongo.MongoProperties;
import io.roster.notification.TestEnvironment;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heartbeat's renewal against a real (embedded) MongoDB: one update per beat for everything the instance holds,
 * only under the lease tokens it holds, never past max-hold, and nothing for what its workers let go of.
 */
class LeaseRenewalTest {

    private final List<String> updates = new CopyOnWriteArrayList<>();
    private final MongoClient client = MongoClients.create(MongoConfiguration.settings(
                    new MongoProperties(EmbeddedInfrastructure.mongoUri(), "unused", Duration.ofSeconds(15)))
            .addCommandListener(new CommandListener() {
                @Override
                public void commandStarted(CommandStartedEvent event) {
                    if (event.getCommandName().equals("update")) {
                        updates.add(event.getCommand().getString("update").getValue());
                    }
                }
            }).build());
    private final DeliveryDocuments documents = new DeliveryDocuments(client.getDatabase("lease-renewal-" + UUID.randomUUID()));
    private final DeliveryQueue queue = new DeliveryQueue(documents);
    private final DeliveryLog log = new DeliveryLog(documents);
    private final MutableClock clock = MutableClock.fixedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final DeliveryProperties properties = new DeliveryProperties(true, 8, 4, Duration.ofMillis(100), Duration.ofSeconds(20),
            Duration.ofSeconds(5), Duration.ofMinutes(5), 3, Duration.ofSeconds(10), 2, Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1));
    private final LeaseHeartbeat heartbeat = new LeaseHeartbeat(queue, properties, clock);

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void oneUpdatePerBeatExtendsEveryLeaseThisInstanceHoldsAndNoOtherOne() {
        List<Delivery> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(claim(record(), heartbeat.owner()));
            heartbeat.hold(held.get(i));
        }
        Delivery othersClaim = claim(record(), "another-instance");

        clock.advance(Duration.ofSeconds(5));
        updates.clear();
        heartbeat.beat();

        assertThat(updates).as("one round trip for eight deliveries").containsExactly(DeliveryDocuments.COLLECTION);
        Instant renewedUntil = clock.instant().plus(properties.lease());
        held.forEach(d -> assertThat(dueAt(d)).isEqualTo(renewedUntil));
        assertThat(dueAt(othersClaim)).isEqualTo(othersClaim.dueAt());

        heartbeat.release(held.get(0));
        clock.advance(Duration.ofSeconds(5));
        heartbeat.beat();
        assertThat(dueAt(held.get(0))).as("released: left to run out").isEqualTo(renewedUntil);
        assertThat(dueAt(held.get(1))).isEqualTo(clock.instant().plus(properties.lease()));
    }

    @Test
    void aLeaseTakenOverByAnotherHolderIsNotExtendedUnderTheOldToken() {
        Delivery stale = claim(record(), heartbeat.owner());
        heartbeat.hold(stale);
        // the heartbeat stalled (a long pause): the lease ran out and another instance claimed the delivery
        clock.advance(properties.lease().plusSeconds(1));
        Delivery current = claim(stale, "another-instance");

        clock.advance(Duration.ofSeconds(5));
        heartbeat.beat();

        assertThat(dueAt(current)).isEqualTo(current.dueAt());
        assertThat(queue.markSending(stale, "x@example.com", false, clock.instant(), properties.lease())).isFalse();
    }

    @Test
    void aDeliveryHeldLongerThanMaxHoldIsNoLongerRenewed() {
        Delivery stuck = claim(record(), heartbeat.owner());
        heartbeat.hold(stuck);
        Instant lastRenewal = null;
        while (Duration.between(stuck.updatedAt(), clock.instant().plus(properties.heartbeatInterval())).compareTo(properties.maxHold()) < 0) {
            clock.advance(properties.heartbeatInterval());
            heartbeat.beat();
            lastRenewal = clock.instant();
            assertThat(dueAt(stuck)).isEqualTo(lastRenewal.plus(properties.lease()));
        }
        clock.advance(properties.heartbeatInterval());
        heartbeat.beat();

        assertThat(dueAt(stuck)).isEqualTo(lastRenewal.plus(properties.lease()));
        clock.advance(properties.lease());
        assertThat(queue.claim(stuck.notificationId().toString(), clock.instant(), properties.lease(), "another-instance"))
                .as("due to anyone once its last lease ran out").isPresent();
    }

    // ---------------------------------------------------------------- helpers

    private Delivery record() {
        PasswordResetRequested event = new PasswordResetRequested(UUID.randomUUID(), clock.instant(), null, null, UUID.randomUUID(),
                "reset@example.com", "Reset", PasswordResetReason.REQUESTED, TestEnvironment.SECRETS.seal("token"),
                clock.instant().plus(1, ChronoUnit.HOURS));
        Delivery delivery = Delivery.pending(Delivery.notificationIdFor(event.eventId()), EventEnvelope.of(event, 1),
                Topics.IDENTITY, NotificationKind.PASSWORD_RESET, event.email(), event.userId(), null, clock.instant());
        assertThat(queue.insert(delivery, null)).isTrue();
        return delivery;
    }

    private Delivery claim(Delivery delivery, String owner) {
        return queue.claim(delivery.notificationId().toString(), clock.instant(), properties.lease(), owner).orElseThrow();
    }

    private Instant dueAt(Delivery delivery) {
        return log.find(delivery.notificationId()).orElseThrow().dueAt();
    }
}
