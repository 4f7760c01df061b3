package io.roster.notification.trigger;

import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.notification.MailServer;
import io.roster.notification.TestEnvironment;
import io.roster.notification.delivery.Delivery;
import io.roster.notification.delivery.DeliveryLog;
import io.roster.notification.delivery.DeliveryStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A poll's deliveries are recorded in one write at its end: what an event later in the same poll must see is written
 * before it. The workers are off, so that the test alone decides what happens to each delivery.
 */
@SpringBootTest(properties = "roster.notification.delivery.enabled=false")
@DirtiesContext
class HeldDeliveriesTest {

    static final MailServer MAIL = MailServer.open();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestEnvironment.register(registry, MAIL::port);
    }

    @AfterAll
    static void stopMail() {
        MAIL.close();
    }

    @Autowired
    EventIntake intake;
    @Autowired
    HeldDeliveries held;
    @Autowired
    DeliveryLog log;

    @Test
    void anInvitationRevokedInTheSamePollAsItsIssueCancelsTheEmailTheIssueHeld() {
        UUID organizationId = UUID.randomUUID();
        InvitationIssued issued = issued(organizationId);
        InvitationIssued other = issued(organizationId);
        InvitationRevoked revoked = new InvitationRevoked(UUID.randomUUID(), Instant.now().plusMillis(5), organizationId,
                UUID.randomUUID(), issued.invitationId(), issued.email());

        poll(List.of(envelope(issued, 0), envelope(other, 0), envelope(revoked, 1)));

        assertThat(delivery(issued).status()).isEqualTo(DeliveryStatus.CANCELLED);
        assertThat(delivery(issued).lastError()).isEqualTo("the invitation was revoked");
        assertThat(delivery(other).status()).isEqualTo(DeliveryStatus.PENDING);
    }

    @Test
    void aPollReadAgainOrAnEventTwiceInOnePollRecordsEachEmailOnce() {
        UUID organizationId = UUID.randomUUID();
        InvitationIssued first = issued(organizationId);
        InvitationIssued second = issued(organizationId);
        List<EventEnvelope> poll = List.of(envelope(first, 0), envelope(second, 0), envelope(first, 0));

        poll(poll);
        Delivery recorded = delivery(first);
        poll(poll);

        assertThat(delivery(first)).isEqualTo(recorded);
        assertThat(delivery(second).status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(log.page(organizationId, null, 50, null, null)).hasSize(2);
    }

    /** What the consumer runtime does with a poll: the handlers in the batch scope, then the held writes. */
    private void poll(List<EventEnvelope> records) {
        held.around(() -> {
            records.forEach(record -> intake.takeIn(record, Topics.INVITATION));
            held.beforeMark();
            return null;
        });
    }

    private Delivery delivery(InvitationIssued issued) {
        return log.find(Delivery.notificationIdFor(issued.eventId())).orElseThrow();
    }

    private static InvitationIssued issued(UUID organizationId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new InvitationIssued(UUID.randomUUID(), now, organizationId, UUID.randomUUID(), UUID.randomUUID(),
                "invitee-" + UUID.randomUUID() + "@x.io", "Ann", "A", List.of("member"), List.of(), now.plus(1, ChronoUnit.DAYS),
                "hash", TestEnvironment.SECRETS.seal("token"), null);
    }

    private static EventEnvelope envelope(io.roster.events.RosterEvent event, long sequence) {
        return new EventEnvelope(event, event.aggregateId().toString(), sequence, "test-" + event.eventId(), null);
    }
}
