package io.roster.notification.delivery;

import io.roster.events.ProblemCode;
import io.roster.kit.web.RuleViolation;
import io.roster.notification.settings.TestEmails;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Sends a test email through an organization's current SMTP settings while the caller waits: one
 * attempt, no retries, its outcome in the answer, in the delivery log and on Kafka. With an
 * Idempotency-Key a retry returns the first outcome and sends nothing.
 */
@Component
class TestEmailSender implements TestEmails {

    private final DeliveryQueue queue;
    private final DeliveryLog log;
    private final DeliveryProcessor processor;
    private final DeliveryProperties properties;
    private final LeaseHeartbeat leases;
    private final Clock clock;

    TestEmailSender(DeliveryQueue queue, DeliveryLog log, DeliveryProcessor processor, DeliveryProperties properties,
                    LeaseHeartbeat leases, Clock clock) {
        this.queue = queue;
        this.log = log;
        this.processor = processor;
        this.properties = properties;
        this.leases = leases;
        this.clock = clock;
    }

    @Override
    public TestEmailResult send(UUID organizationId, String to, String idempotencyKey) {
        UUID notificationId = idempotencyKey == null ? UUID.randomUUID()
                : UUID.nameUUIDFromBytes(("test-email:" + organizationId + ":" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
        Instant now = clock.instant();
        Delivery delivery = Delivery.testEmail(notificationId, organizationId, to, UUID.randomUUID().toString(), now,
                now.plus(properties.lease()));
        if (!queue.insert(delivery, leases.owner())) {
            Delivery first = log.find(notificationId).orElseThrow();
            if (!to.equals(first.recipient()) || !organizationId.equals(first.organizationId())) {
                throw new RuleViolation(ProblemCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used with another request.");
            }
            return result(first);
        }
        // the caller waits for the one attempt; its lease is renewed as a worker's is, however slow the server
        leases.hold(delivery);
        try {
            processor.process(delivery, false);
        } finally {
            leases.release(delivery);
        }
        return result(log.find(notificationId).orElseThrow());
    }

    private static TestEmailResult result(Delivery d) {
        return new TestEmailResult(d.notificationId(), d.recipient(), d.status().value(), d.lastError());
    }
}
