package io.roster.notification.delivery;

import io.roster.events.EventEnvelope;
import io.roster.events.EventJson;
import io.roster.events.RosterEvent;
import io.roster.events.notification.NotificationKind;
import io.roster.kit.tracing.Traces;
import io.roster.notification.email.EmailSource;

import java.nio.charset.StandardCharsets;

import java.time.Instant;
import java.util.UUID;

/**
 * One email owed for one triggering event ({@code deliveries-v1}): the event itself (with its token still
 * sealed), where it stands, and its delivery log entry. The triggering event id is unique, so one event
 * never yields two deliveries however often it is read.
 *
 * @param route          the key deliveries are throttled and paused by: the organization id, or
 *                       {@code platform} for emails of no organization
 * @param eventJson      the triggering event's JSON (null for test emails); rendered at send time
 * @param dueAt          when a worker may take it next: the next attempt, or the end of the current lease
 * @param outboxPending  an outcome event (and for failures a dead letter) still to be published
 * @param outcomes       how many outcome events were recorded; the last one's sequence number is outcomes - 1
 * @param obsoleteBecause set when a later event made the email pointless while a worker held it (an
 *                       invitation resent, revoked, accepted or expired): it is cancelled at its next attempt
 * @param traceparent    the W3C trace context of the span that recorded the delivery (handling the triggering event):
 *                       the attempts continue it and the email carries it (README "Tracing"); null for test emails
 * @param organizationServerUsed an attempt handed the email to an organization's own SMTP server: whoever runs it may
 *                       have read it, so the email proves nothing about the recipient's address even if the platform's
 *                       server delivered it in the end
 */
public record Delivery(
        UUID notificationId,
        UUID triggeringEventId,
        NotificationKind kind,
        UUID organizationId,
        String route,
        String recipient,
        UUID recipientUserId,
        UUID invitationId,
        DeliveryStatus status,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt,
        Instant dueAt,
        Instant eventOccurredAt,
        String eventType,
        String eventJson,
        String sourceTopic,
        String aggregateId,
        long sequenceNumber,
        String correlationId,
        String traceparent,
        String leaseToken,
        boolean outboxPending,
        UUID outcomeEventId,
        int outcomes,
        String obsoleteBecause,
        boolean organizationServerUsed) implements EmailSource {

    public static final String PLATFORM_ROUTE = "platform";

    /** A delivery recorded from its triggering event, due at once. */
    public static Delivery pending(UUID notificationId, EventEnvelope trigger, String sourceTopic, NotificationKind kind,
                                   String recipient, UUID recipientUserId, UUID invitationId, Instant now) {
        RosterEvent event = trigger.event();
        return new Delivery(notificationId, event.eventId(), kind, event.organizationId(), routeOf(event.organizationId()),
                recipient, recipientUserId, invitationId, DeliveryStatus.PENDING, 0, null, now, now, null, now,
                event.occurredAt(), trigger.type().ceType(), new String(EventJson.write(event), StandardCharsets.UTF_8),
                sourceTopic, trigger.aggregateId(), trigger.sequenceNumber(), trigger.correlationId(), traceOf(trigger), null,
                false, null, 0, null, false);
    }

    /** A test email, already claimed by the caller that sends it at once. */
    public static Delivery testEmail(UUID notificationId, UUID organizationId, String recipient, String leaseToken,
                                     Instant now, Instant leaseUntil) {
        return new Delivery(notificationId, notificationId, NotificationKind.TEST, organizationId, routeOf(organizationId),
                recipient, null, null, DeliveryStatus.CLAIMED, 1, null, now, now, null, leaseUntil, now, null, null,
                null, null, 0, null, null, leaseToken, false, null, 0, null, false);
    }

    /** The span handling the triggering event (a child of the one that stored it), else the event's own. */
    private static String traceOf(EventEnvelope trigger) {
        String current = Traces.currentTraceparent();
        return current != null ? current : trigger.traceparent();
    }

    /** The id of the notification a triggering event causes: the same however often the event is read. */
    public static UUID notificationIdFor(UUID triggeringEventId) {
        return UUID.nameUUIDFromBytes(("roster-notification:" + triggeringEventId).getBytes(StandardCharsets.UTF_8));
    }

    public static String routeOf(UUID organizationId) {
        return organizationId == null ? PLATFORM_ROUTE : organizationId.toString();
    }
}
