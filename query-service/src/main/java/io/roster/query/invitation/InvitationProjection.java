package io.roster.query.invitation;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.notification.NotificationSent;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Personal invitations ({@code invitations}), one document per invitation. Invitation events and the
 * notification service's NotificationSent come on different topics and may arrive in either order, so
 * every event sets only its own fields with an upsert, and counters and times only move forward; whichever event
 * creates the row also gives it the defaults (status {@code pending}, {@code resendCount} 0) it would have had.
 * {@link InvitationStore} reads them. In a batch the writes are held to its end and made as one ordered bulk write (a
 * 1000-row upload brings a thousand InvitationIssued and as many NotificationSent); a projection that reads the
 * invitations while the batch is applied writes what is held for them first ({@link InvitationStore#heldWrites}).
 */
@Component
public class InvitationProjection implements Projection {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private final VersionedCollection collection;
    private final EventBatch.Writer<UpdateOneModel<Document>> heldWrites;

    InvitationProjection(InvitationStore invitations) {
        this.collection = invitations.collection();
        this.heldWrites = invitations.heldWrites();
    }

    @Override
    public void apply(EventEnvelope envelope) {
        writeOf(envelope).ifPresent(write -> collection.get().updateOne(write.getFilter(), write.getUpdate(), UPSERT));
    }

    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        writeOf(envelope).ifPresent(write -> batch.hold(heldWrites, write));
    }

    private Optional<UpdateOneModel<Document>> writeOf(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationIssued issued) {
            return update(issued.invitationId(), Updates.combine(
                    Updates.set("organizationId", issued.organizationId().toString()),
                    Updates.set("email", issued.email()),
                    Updates.set("firstName", issued.firstName()),
                    Updates.set("lastName", issued.lastName()),
                    Updates.set("emailLower", issued.email().toLowerCase(Locale.ROOT)),
                    Updates.set("roles", issued.roles()),
                    Updates.set("teamIds", issued.teamIds().stream().map(UUID::toString).toList()),
                    Updates.set("invitedBy", issued.actorId() == null ? null : issued.actorId().toString()),
                    Updates.set("createdAt", Date.from(issued.occurredAt())),
                    Updates.max("expiresAt", Date.from(issued.expiresAt())),
                    terms(issued.membershipExpiresAt(), issued.membershipDays()),
                    Updates.setOnInsert("resendCount", 0),
                    Updates.setOnInsert("status", "pending")));
        } else if (envelope.event() instanceof InvitationResent resent) {
            return update(resent.invitationId(), Updates.combine(
                    Updates.set("expiresAt", Date.from(resent.expiresAt())),
                    Updates.max("resendCount", resent.resendCount()),
                    Updates.set("status", "pending")));
        } else if (envelope.event() instanceof InvitationRevoked revoked) {
            return update(revoked.invitationId(), Updates.combine(Updates.set("status", "revoked"), Updates.setOnInsert("resendCount", 0)));
        } else if (envelope.event() instanceof InvitationUpdated updated) {
            return update(updated.invitationId(), Updates.combine(
                    Updates.set("roles", updated.roles()),
                    Updates.set("teamIds", updated.teamIds().stream().map(UUID::toString).toList()),
                    Updates.set("expiresAt", Date.from(updated.expiresAt())),
                    terms(updated.membershipExpiresAt(), updated.membershipDays())));
        } else if (envelope.event() instanceof InvitationDeclined declined) {
            return update(declined.invitationId(), Updates.combine(Updates.set("status", "declined"), Updates.setOnInsert("resendCount", 0)));
        } else if (envelope.event() instanceof InvitationExpired expired) {
            return update(expired.invitationId(), Updates.combine(Updates.set("status", "expired"), Updates.setOnInsert("resendCount", 0)));
        } else if (envelope.event() instanceof InvitationAccepted accepted) {
            return update(accepted.invitationId(), Updates.combine(Updates.set("status", "accepted"), Updates.setOnInsert("resendCount", 0)));
        } else if (envelope.event() instanceof NotificationSent sent && sent.invitationId() != null) {
            // the email may be read before its invitation (another topic; with two query processes, another process's
            // partitions): the row it creates starts as the invitation's would, which the later InvitationIssued's
            // setOnInsert no longer can
            return update(sent.invitationId(), Updates.combine(Updates.max("lastSentAt", Date.from(sent.occurredAt())),
                    Updates.setOnInsert("resendCount", 0), Updates.setOnInsert("status", "pending")));
        }
        return Optional.empty();
    }

    /** The membership terms as the invitation's events state them, all of them each time (a v1 event: none). */
    private static Bson terms(Instant membershipExpiresAt, Integer membershipDays) {
        return Updates.combine(
                Updates.set("membershipExpiresAt", membershipExpiresAt == null ? null : Date.from(membershipExpiresAt)),
                Updates.set("membershipDays", membershipDays));
    }

    private static Optional<UpdateOneModel<Document>> update(UUID invitationId, Bson update) {
        return Optional.of(new UpdateOneModel<>(Filters.eq("_id", invitationId.toString()), update, UPSERT));
    }
}
