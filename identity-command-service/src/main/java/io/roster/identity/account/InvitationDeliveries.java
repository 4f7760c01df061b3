package io.roster.identity.account;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.notification.NotificationKind;
import io.roster.events.notification.NotificationSent;
import io.roster.kit.consumer.HeldWrites;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/**
 * Which invitation emails only the platform's own SMTP server carried ({@code invitation-deliveries-v1}, one entry per
 * InvitationIssued or InvitationResent, keyed by that event's id, from the notification service's NotificationSent).
 * Holding an invitation's token proves its address only when the token came this way (PRODUCT.md §3a): whoever runs
 * an organization's own SMTP server reads every token it carries.
 *
 * <p>Apart from {@link InvitationTokens} because the notification and invitation topics arrive in no set order. A
 * redelivered NotificationSent changes nothing; once an organization's server carried a token, nothing makes it
 * proof again.
 */
@Component
public class InvitationDeliveries {

    private static final Set<NotificationKind> CARRY_A_TOKEN = Set.of(NotificationKind.INVITATION, NotificationKind.INVITATION_RESENT);
    private static final String VIA_PLATFORM = "viaPlatform";

    private final MongoCollection<Document> deliveries;
    /** A poll's NotificationSent, written at its end in one bulk write (a bulk upload's thousand emails): see {@link #heldWrites}. */
    private final HeldWrites writes = new HeldWrites();
    private final InvitationTokens tokens;

    InvitationDeliveries(MongoDatabase database, InvitationTokens tokens) {
        this.deliveries = database.getCollection("invitation-deliveries-v1");
        this.tokens = tokens;
    }

    /** The scope of the consumer that calls {@link #apply}: nothing in it reads the deliveries while it applies a poll. */
    public HeldWrites heldWrites() {
        return writes;
    }

    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof NotificationSent sent && sent.invitationId() != null
                && sent.kind() == NotificationKind.INVITATION_REMINDER) {
            reminded(sent);
            return;
        }
        if (!(envelope.event() instanceof NotificationSent sent) || sent.invitationId() == null || !CARRY_A_TOKEN.contains(sent.kind())) {
            return;
        }
        writes.add(deliveries, new UpdateOneModel<>(Filters.eq("_id", sent.triggeringEventId().toString()), Updates.combine(
                        Updates.setOnInsert("invitationId", sent.invitationId().toString()),
                        sent.viaPlatform() ? Updates.setOnInsert(VIA_PLATFORM, true) : Updates.set(VIA_PLATFORM, false)),
                new UpdateOptions().upsert(true)));
    }

    /**
     * A reminder carries the token of the invitation's last email again (InvitationReminderSent): when an organization's
     * own server carried it, that token proves nothing any more, whichever way its first email went. Counted against the
     * invitation's current token (a reminder is never sent for an earlier one: a resend cancels its waiting emails); a
     * late reminder read after a resend would only take the proof from the newer token, the safe side.
     */
    private void reminded(NotificationSent sent) {
        if (sent.viaPlatform()) {
            return;
        }
        tokens.currentTokenEvent(sent.invitationId()).ifPresent(tokenEvent -> writes.add(deliveries, new UpdateOneModel<>(
                Filters.eq("_id", tokenEvent.toString()),
                Updates.combine(Updates.setOnInsert("invitationId", sent.invitationId().toString()), Updates.set(VIA_PLATFORM, false)),
                new UpdateOptions().upsert(true))));
    }

    /**
     * Whether accepting the invitation proves its address: the token accepted (the invitation's last) reached it
     * through the platform's server only. False as well while that email's NotificationSent has not arrived yet: the
     * member joins all the same, and verifies the address with the platform's verification email.
     */
    public boolean acceptanceProvesAddress(UUID invitationId) {
        return tokens.currentTokenEvent(invitationId).map(this::onlyThroughPlatform).orElse(false);
    }

    /** Whether the email of this InvitationIssued or InvitationResent reached its address through the platform only. */
    boolean onlyThroughPlatform(UUID tokenEventId) {
        if (tokenEventId == null) {
            return false;
        }
        Document delivery = deliveries.find(Filters.eq("_id", tokenEventId.toString())).first();
        return delivery != null && Boolean.TRUE.equals(delivery.getBoolean(VIA_PLATFORM));
    }
}
