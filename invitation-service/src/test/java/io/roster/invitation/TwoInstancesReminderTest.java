package io.roster.invitation;

import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.MutableClock;
import io.roster.testsupport.TestTokenIssuer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.config.TaskExecutionOutcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17 item 6: "one reminder email per invitation, sent once, as an event", with two instances running. As in
 * {@link TwoInstancesExpiryTest}, two replicas share one MongoDB database, one Kafka broker and one clock, both
 * sweeping every 100 ms; forty invitations valid 3 h become due their reminder at the same moment when the clock moves
 * 2 h (past halfway, the 24 h window being longer than their validity; not yet expired), so both sweeps find the same
 * due list and race for the same aggregates. Once every invitation has its reminder and each sweep has since completed
 * a whole run, each invitation must have exactly one {@code InvitationReminderSent} in the event store and on
 * {@code roster.invitation.v1}, carrying the invitation email's sealed token.
 */
class TwoInstancesReminderTest {

    private static final Logger log = LoggerFactory.getLogger(TwoInstancesReminderTest.class);
    private static final MutableClock CLOCK = new MutableClock(Clock.systemUTC());
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final InvitationReplica.Deployment deployment = InvitationReplica.Deployment.onEmbeddedInfrastructure(
            "invitation-reminder", SecretBox.newKey(), SWEEP_INTERVAL, CLOCK);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final UUID admin = UUID.randomUUID();
    private final String adminToken = TestTokenIssuer.get().tokenFor(admin, "boss@reminder.io", List.of());

    @AfterEach
    void stopEverythingStarted() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void eachDueInvitationIsRemindedExactlyOnceWithTwoReplicasRacing() {
        InvitationReplica a = closedAtEnd(InvitationReplica.start("replica-a", deployment));
        InvitationReplica b = closedAtEnd(InvitationReplica.start("replica-b", deployment));
        InvitationTopicRecorder topic = closedAtEnd(new InvitationTopicRecorder());

        UUID org = a.organizationAdministeredBy(admin, "Reminder Ltd", PATIENCE);
        // at most 20 addresses a request
        List<UUID> invitations = new ArrayList<>(a.invite(adminToken, org, "due", "reminder.io", 20, 3));
        invitations.addAll(a.invite(adminToken, org, "also-due", "reminder.io", 20, 3));
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            topic.poll();
            return invitations.stream().allMatch(id -> topic.count(id, InvitationIssued.class) >= 1);
        });

        SweepRefusals refusals = closedAtEnd(new SweepRefusals(SweepRefusals.REMINDER_SWEEP));
        CLOCK.advance(Duration.ofHours(2));
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            topic.poll();
            return invitations.stream().allMatch(id -> topic.count(id, InvitationReminderSent.class) >= 1);
        });
        // a sweep that started before the last reminder may still hold a stale due list: let both finish a whole run
        // started afterwards, so any second reminder would be stored by now
        awaitEverySweepCompletesARunStartedAfter(Instant.now(), a, b);
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            topic.poll();
            return invitations.stream().allMatch(id -> topic.events(id).size() >= a.storedEvents(id).size());
        });

        SoftAssertions softly = new SoftAssertions();
        int remindedOnce = 0;
        for (UUID id : invitations) {
            List<Object> stored = a.storedEvents(id);
            softly.assertThat(stored).as("event store of %s", id).map(Object::getClass)
                    .containsExactly(InvitationIssued.class, InvitationReminderSent.class);
            softly.assertThat(topic.events(id)).as("roster.invitation.v1 for %s", id).map(Object::getClass)
                    .containsExactly(InvitationIssued.class, InvitationReminderSent.class);
            if (stored.size() == 2 && stored.get(1) instanceof InvitationReminderSent reminder
                    && stored.get(0) instanceof InvitationIssued issued) {
                remindedOnce++;
                softly.assertThat(reminder.token()).as("the invitation email's sealed token").isEqualTo(issued.token());
                softly.assertThat(reminder.occurredAt()).as("before expiry").isBefore(issued.expiresAt());
                softly.assertThat(reminder.actorId()).isNull();
            }
        }
        log.info("Two replicas reminded {} of {} invitations exactly once; their sweeps lost {} races ({} to the aggregate's "
                        + "guard, {} to the event store's unique index), per sweep thread: {}", remindedOnce, invitations.size(),
                refusals.total(), refusals.refusedByTheGuard(), refusals.refusedByTheEventStore(), refusals.perSweep());
        softly.assertAll();
    }

    private static void awaitEverySweepCompletesARunStartedAfter(Instant instant, InvitationReplica... replicas) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (InvitationReplica replica : replicas) {
                TaskExecutionOutcome last = replica.lastReminderSweep();
                assertThat(last.executionTime()).as("%s's last sweep: %s", replica.name(), last).isAfter(instant);
                assertThat(last.status()).as("%s's last sweep: %s", replica.name(), last).isEqualTo(TaskExecutionOutcome.Status.SUCCESS);
            }
        });
    }

    private <T extends AutoCloseable> T closedAtEnd(T resource) {
        toClose.add(resource);
        return resource;
    }




}
