package io.roster.invitation;

import io.roster.testsupport.MutableClock;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.scheduling.config.TaskExecutionOutcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #5: "Expiry is an event: at {@code expiresAt} an {@code InvitationExpired} is produced without any request
 * touching the invitation. It survives restarts and is produced once even with two instances running."
 *
 * <p>Two invitation-service application contexts run at once in this JVM, as two replicas on one MongoDB database
 * and one Kafka broker ({@link InvitationReplica}), both sweeping for due invitations every 100 ms. Forty
 * invitations fall due at the same moment, so the two sweeps find the same due list and race for the same
 * aggregates ({@link SweepRefusals} counts the races they lost). Once every invitation has its expiry and each
 * sweep has since completed a whole run, each invitation must have exactly one {@code InvitationExpired} in the
 * event store and on {@code roster.invitation.v1}. Then both replicas stop while one more invitation is pending and
 * not yet due, its expiry passes while nothing runs, and a single replica started again on the same data produces
 * its one {@code InvitationExpired}.
 *
 * <p>Time: the replicas get one and the same {@link MutableClock} (registered in each context as the primary
 * {@link Clock}), as real replicas share real time. Moving it forward makes invitations due on both at once, and it
 * keeps its offset while no replica runs, so "the expiry passed during the downtime" is one {@code advance}.
 */
class TwoInstancesExpiryTest {

    private static final Logger log = LoggerFactory.getLogger(TwoInstancesExpiryTest.class);
    private static final MutableClock CLOCK = new MutableClock(Clock.systemUTC());
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final InvitationReplica.Deployment deployment = InvitationReplica.Deployment.onEmbeddedInfrastructure(
            "invitation-expiry", SecretBox.newKey(), SWEEP_INTERVAL, CLOCK);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final UUID admin = UUID.randomUUID();
    private final String adminToken = TestTokenIssuer.get().tokenFor(admin, "boss@expiry.io", List.of());

    @AfterEach
    void stopEverythingStarted() throws Exception {
        // in reverse order of starting, and even when an assertion failed half-way
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void eachInvitationExpiresExactlyOnceWithTwoReplicasAndADueInvitationExpiresOnceAfterARestart() {
        InvitationReplica a = started("replica-a");
        InvitationReplica b = started("replica-b");
        InvitationTopicRecorder topic = closedAtEnd(new InvitationTopicRecorder());

        UUID org = a.organizationAdministeredBy(admin, "Expiry Ltd", PATIENCE);
        // the invitation due later is past its reminder's halfway when the clock moves: this test counts expiries only
        // (TwoInstancesReminderTest races the reminders)
        a.web().patch().uri("/api/v1/organizations/{org}/invitation-settings", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reminderHoursBeforeExpiry\":null}").exchange()
                .expectStatus().isOk();
        List<UUID> dueSoon = new ArrayList<>(a.invite(adminToken, org, "soon", "expiry.io", 20, 1));
        dueSoon.addAll(a.invite(adminToken, org, "also-soon", "expiry.io", 20, 1));
        UUID dueLater = a.invite(adminToken, org, "later", "expiry.io", 1, 3).get(0);
        List<UUID> all = new ArrayList<>(dueSoon);
        all.add(dueLater);
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            topic.poll();
            return all.stream().allMatch(id -> topic.count(id, InvitationIssued.class) >= 1);
        });

        // both sweeps run all along; from here on the forty are past their expiry, and nobody touches them
        SweepRefusals refusals = closedAtEnd(new SweepRefusals());
        CLOCK.advance(Duration.ofHours(2));
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            topic.poll();
            return dueSoon.stream().allMatch(id -> topic.count(id, InvitationExpired.class) >= 1);
        });
        // a sweep that started before the last expiry may still hold a stale due list: let both finish a whole run
        // started afterwards, so any second expiry would be in the event store by now (and a stuck sweep fails here)
        awaitEverySweepCompletesARunStartedAfter(Instant.now(), a, b);

        for (UUID id : dueSoon) {
            assertThat(a.storedEvents(id)).as("event store of %s", id)
                    .map(Object::getClass).containsExactly(InvitationIssued.class, InvitationExpired.class);
        }
        assertThat(a.storedEvents(dueLater)).as("not due yet").map(Object::getClass).containsExactly(InvitationIssued.class);
        assertTopicMirrorsTheEventStore(topic, a, all);
        for (UUID id : dueSoon) {
            assertThat((InvitationExpired) topic.events(id).get(1)).satisfies(expired -> {
                assertThat(expired.actorId()).as("expired by the system, not a person").isNull();
                assertThat(expired.organizationId()).isEqualTo(org);
            });
        }
        log.info("Two replicas expired {} invitations once each; their sweeps lost {} races ({} to the aggregate's guard, "
                        + "{} to the event store's unique index), per sweep thread: {}", dueSoon.size(), refusals.total(),
                refusals.refusedByTheGuard(), refusals.refusedByTheEventStore(), refusals.perSweep());

        // the restart half: nothing runs while the last invitation's expiry passes
        a.close();
        b.close();
        CLOCK.advance(Duration.ofHours(2));
        InvitationReplica restarted = started("replica-c");

        await().atMost(PATIENCE).pollInSameThread()
                .until(() -> topic.poll().count(dueLater, InvitationExpired.class) >= 1);
        awaitEverySweepCompletesARunStartedAfter(Instant.now(), restarted);
        assertThat(restarted.storedEvents(dueLater)).map(Object::getClass)
                .containsExactly(InvitationIssued.class, InvitationExpired.class);
        assertTopicMirrorsTheEventStore(topic, restarted, all);
        InvitationIssued issued = (InvitationIssued) topic.events(dueLater).get(0);
        assertThat((InvitationExpired) topic.events(dueLater).get(1)).satisfies(expired -> {
            assertThat(expired.actorId()).isNull();
            assertThat(expired.occurredAt()).isAfterOrEqualTo(issued.expiresAt());
        });
    }

    /**
     * Every replica's sweep has started a run after {@code instant} (system time, as Spring's scheduler tracks it) and
     * finished it. A sweep stuck waiting never does.
     */
    private static void awaitEverySweepCompletesARunStartedAfter(Instant instant, InvitationReplica... replicas) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (InvitationReplica replica : replicas) {
                TaskExecutionOutcome last = replica.lastExpirySweep();
                assertThat(last.executionTime()).as("%s's last sweep: %s", replica.name(), last).isAfter(instant);
                assertThat(last.status()).as("%s's last sweep: %s", replica.name(), last).isEqualTo(TaskExecutionOutcome.Status.SUCCESS);
            }
        });
    }

    /**
     * Kafka carries each invitation's stored events, once each and in order, once the relay has caught up: the event
     * store is the outbox.
     */
    private static void assertTopicMirrorsTheEventStore(InvitationTopicRecorder topic, InvitationReplica replica, List<UUID> ids) {
        Map<UUID, List<Class<?>>> stored = new LinkedHashMap<>();
        ids.forEach(id -> stored.put(id, replica.storedEvents(id).stream().<Class<?>>map(Object::getClass).toList()));
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            topic.poll();
            return ids.stream().allMatch(id -> topic.events(id).size() >= stored.get(id).size());
        });
        for (UUID id : ids) {
            assertThat(topic.events(id)).as("roster.invitation.v1 for %s", id)
                    .map(Object::getClass).containsExactlyElementsOf(stored.get(id));
        }
    }

    private InvitationReplica started(String name) {
        return closedAtEnd(InvitationReplica.start(name, deployment));
    }

    private <T extends AutoCloseable> T closedAtEnd(T resource) {
        toClose.add(resource);
        return resource;
    }




}
