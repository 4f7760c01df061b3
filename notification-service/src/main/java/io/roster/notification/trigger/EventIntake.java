package io.roster.notification.trigger;

import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.PasswordResetReason;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.RemovalReason;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.notification.NotificationKind;
import io.roster.notification.delivery.Delivery;
import io.roster.notification.delivery.DeliveryQueue;
import io.roster.notification.directory.MembershipProjection;
import io.roster.notification.directory.OrganizationProjection;
import io.roster.notification.directory.UserFacts;
import io.roster.notification.directory.UserProjection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What an event means to the notification service: it updates the users, organizations and memberships
 * projections, and when it calls for an email it records one delivery, keyed by the event id (unique), with the
 * others of its poll in one write at the poll's end ({@link HeldDeliveries}), before the offset is committed. The consumer runtime skips an event at or
 * below its aggregate's last sequence taken in ({@code applied-sequences-v1}); one taken in again after a crash
 * finds its delivery (keyed by the event id) and records nothing, so no email is ever sent twice. The email itself is sent by the delivery workers.
 *
 * <p>Which events email whom: InvitationIssued, InvitationResent and InvitationReminderSent the invitee (the reminder
 * with the link of the last invitation email: it carries the same sealed token); AccountSetupRequested
 * EmailVerificationRequested and PasswordResetRequested the user; MemberAdded the new member (welcome), except the creator of
 * an organization joining it; MemberRemoved the removed member, only when an admin removed them (not when
 * they left, nor when their account was deleted). An invitation resent, revoked, accepted or expired
 * cancels its earlier invitation and reminder emails not sent yet: their link no longer works (a resend after an expiry
 * reopens the invitation: only emails triggered before an event are affected).
 */
@Component
class EventIntake {

    private static final Logger log = LoggerFactory.getLogger(EventIntake.class);

    private final UserProjection users;
    private final OrganizationProjection organizations;
    private final MembershipProjection memberships;
    private final DeliveryQueue deliveries;
    private final HeldDeliveries held;
    private final SendWatermark watermark;
    private final Clock clock;

    EventIntake(UserProjection users, OrganizationProjection organizations, MembershipProjection memberships,
                DeliveryQueue deliveries, HeldDeliveries held, SendWatermark watermark, Clock clock) {
        this.users = users;
        this.organizations = organizations;
        this.memberships = memberships;
        this.deliveries = deliveries;
        this.held = held;
        this.watermark = watermark;
        this.clock = clock;
    }

    /** Takes one event in; the consumer runtime hands each event once, in order per aggregate. */
    void takeIn(EventEnvelope envelope, String topic) {
        RosterEvent event = envelope.event();
        users.apply(event);
        organizations.apply(event);
        memberships.apply(event);
        cancelSuperseded(event);
        Optional<Delivery> delivery = deliveryFor(envelope, topic);
        if (delivery.isEmpty()) {
            return;
        }
        if (!watermark.sendsFor(event.occurredAt())) {
            log.debug("{} {} is older than {}: no email", envelope.type().name(), event.eventId(), watermark.sendEventsAfter());
            return;
        }
        held.record(delivery.get());
    }

    private Optional<Delivery> deliveryFor(EventEnvelope envelope, String topic) {
        RosterEvent event = envelope.event();
        Instant now = clock.instant();
        UUID id = Delivery.notificationIdFor(event.eventId());
        if (event instanceof InvitationIssued e) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.INVITATION, e.email(), null, e.invitationId(), now));
        }
        if (event instanceof InvitationResent e) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.INVITATION_RESENT, e.email(), null, e.invitationId(), now));
        }
        if (event instanceof InvitationReminderSent e) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.INVITATION_REMINDER, e.email(), null,
                    e.invitationId(), now));
        }
        if (event instanceof AccountSetupRequested e) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.ACCOUNT_SETUP, e.email(), e.userId(), null, now));
        }
        if (event instanceof EmailVerificationRequested e) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.EMAIL_VERIFICATION, e.email(), e.userId(), null, now));
        }
        if (event instanceof PasswordResetRequested e) {
            NotificationKind kind = e.reason() == PasswordResetReason.SIGN_UP_ATTEMPT ? NotificationKind.ADDRESS_CLAIM : NotificationKind.PASSWORD_RESET;
            return Optional.of(Delivery.pending(id, envelope, topic, kind, e.email(), e.userId(), null, now));
        }
        if (event instanceof MemberAdded e && !createdTheirOwnOrganization(e)) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.WELCOME, addressOf(e.userId()), e.userId(),
                    null, now));
        }
        if (event instanceof MemberRemoved e && (e.reason() == null || e.reason() == RemovalReason.REMOVED)) {
            return Optional.of(Delivery.pending(id, envelope, topic, NotificationKind.MEMBER_REMOVED, addressOf(e.userId()),
                    e.userId(), null, now));
        }
        return Optional.empty();
    }

    /** The creator of an organization becomes its first admin by a MemberAdded they caused themselves: no welcome. */
    private static boolean createdTheirOwnOrganization(MemberAdded e) {
        return e.via() == JoinPath.DIRECT && e.userId().equals(e.actorId());
    }

    private String addressOf(UUID userId) {
        return users.find(userId).filter(u -> !u.deleted()).map(UserFacts::email).orElse(null);
    }

    private void cancelSuperseded(RosterEvent event) {
        UUID invitationId = null;
        String reason = null;
        if (event instanceof InvitationResent e) {
            invitationId = e.invitationId();
            reason = "superseded: the invitation was resent with a new link";
        } else if (event instanceof InvitationRevoked e) {
            invitationId = e.invitationId();
            reason = "the invitation was revoked";
        } else if (event instanceof InvitationDeclined e) {
            invitationId = e.invitationId();
            reason = "the invitation was declined";
        } else if (event instanceof InvitationAccepted e) {
            invitationId = e.invitationId();
            reason = "the invitation was accepted";
        } else if (event instanceof InvitationExpired e) {
            invitationId = e.invitationId();
            reason = "the invitation expired";
        }
        if (invitationId != null) {
            held.recordNow();
            long cancelled = deliveries.cancelInvitationEmails(invitationId, event.occurredAt(), reason, clock.instant());
            if (cancelled > 0) {
                log.info("{} waiting invitation email(s) of invitation {} cancelled: {}", cancelled, invitationId, reason);
            }
        }
    }
}
