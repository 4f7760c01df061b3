package io.roster.notification.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * An email the SMTP server accepted whose record as {@code sent} is not written yet: within a worker's turn it goes
 * to MongoDB with the next email's write of {@code sending} (one round trip for both), the last one on its own.
 *
 * @param recipient          the address it went to (written with {@code sending})
 * @param organizationServer whether it went through the organization's own server
 * @param at                 when the server accepted it
 */
record Accepted(Delivery claim, String recipient, boolean organizationServer, Instant at) {

    /** The delivery as {@link DeliveryQueue#markSent} records it from the {@code sending} this worker wrote. */
    Delivery recordedSent(UUID outcomeEventId) {
        Delivery c = claim;
        return new Delivery(c.notificationId(), c.triggeringEventId(), c.kind(), c.organizationId(), c.route(), recipient,
                c.recipientUserId(), c.invitationId(), DeliveryStatus.SENT, c.attempts(), c.lastError(), c.createdAt(), at, at,
                null, c.eventOccurredAt(), c.eventType(), c.eventJson(), c.sourceTopic(), c.aggregateId(), c.sequenceNumber(),
                c.correlationId(), c.traceparent(), c.leaseToken(), true, outcomeEventId, c.outcomes() + 1, c.obsoleteBecause(),
                c.organizationServerUsed() || organizationServer);
    }
}
