package io.roster.notification.log;

import io.roster.events.notification.NotificationKind;
import io.roster.notification.delivery.Delivery;
import io.roster.notification.delivery.DeliveryStatus;

import java.time.Instant;
import java.util.UUID;

/**
 * One email of a delivery log. {@code recipient} is null while the address of the user it goes to is not known
 * yet; {@code nextAttemptAt} is set while it waits for an attempt; {@code organizationId} is null for an email of
 * no organization, {@code userId} for one to an address with no account yet (an invitation).
 */
public record DeliveryLogItem(
        UUID notificationId,
        NotificationKind kind,
        DeliveryStatus status,
        String recipient,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt,
        Instant nextAttemptAt,
        UUID triggeringEventId,
        UUID invitationId,
        UUID organizationId,
        UUID userId) {

    static DeliveryLogItem of(Delivery d) {
        boolean waiting = d.status() == DeliveryStatus.PENDING || d.status() == DeliveryStatus.RETRYING;
        return new DeliveryLogItem(d.notificationId(), d.kind(), d.status(), d.recipient(), d.attempts(), d.lastError(),
                d.createdAt(), d.updatedAt(), d.sentAt(), waiting ? d.dueAt() : null,
                d.kind() == NotificationKind.TEST ? null : d.triggeringEventId(), d.invitationId(), d.organizationId(),
                d.recipientUserId());
    }
}
