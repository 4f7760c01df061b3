package io.roster.query.invitation;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.notification.NotificationSent;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.web.KeysetCursor;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Personal invitations ({@code invitations}), one document per invitation. Invitation events and the
 * notification service's NotificationSent come on different topics and may arrive in either order, so
 * every event sets only its own fields with an upsert, and counters and times only move forward.
 */
@Component
public class InvitationProjection implements Projection {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private final VersionedCollection collection;

    InvitationProjection(ProjectionCollections collections) {
        this.collection = collections.declare("invitations", c -> {
            c.createIndex(Indexes.ascending("organizationId", "emailLower", "_id"), new IndexOptions().name("list"));
            c.createIndex(Indexes.ascending("organizationId", "status", "emailLower", "_id"), new IndexOptions().name("by_status"));
            // the pending invitations into a team that was created after them (see pendingInto)
            c.createIndex(Indexes.ascending("organizationId", "teamIds", "status"), new IndexOptions().name("by_team"));
        });
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationIssued issued) {
            update(issued.invitationId(), Updates.combine(
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
                    Updates.setOnInsert("resendCount", 0),
                    Updates.setOnInsert("status", "pending")));
        } else if (envelope.event() instanceof InvitationResent resent) {
            update(resent.invitationId(), Updates.combine(
                    Updates.set("expiresAt", Date.from(resent.expiresAt())),
                    Updates.max("resendCount", resent.resendCount()),
                    Updates.set("status", "pending")));
        } else if (envelope.event() instanceof InvitationRevoked revoked) {
            update(revoked.invitationId(), Updates.set("status", "revoked"));
        } else if (envelope.event() instanceof InvitationExpired expired) {
            update(expired.invitationId(), Updates.set("status", "expired"));
        } else if (envelope.event() instanceof InvitationAccepted accepted) {
            update(accepted.invitationId(), Updates.set("status", "accepted"));
        } else if (envelope.event() instanceof NotificationSent sent && sent.invitationId() != null) {
            update(sent.invitationId(), Updates.max("lastSentAt", Date.from(sent.occurredAt())));
        }
    }

    private void update(UUID invitationId, Bson update) {
        collection.get().updateOne(Filters.eq("_id", invitationId.toString()), update, UPSERT);
    }

    /** What a pending member row needs of an invitation whose InvitationIssued was applied. */
    public Optional<Invitee> invitee(UUID invitationId) {
        // by _id alone, the email checked here: mongo-java-server uses an index only for such a filter
        Document d = collection.get().find(Filters.eq("_id", invitationId.toString())).first();
        return Optional.ofNullable(d).filter(doc -> doc.getString("email") != null).map(doc -> new Invitee(doc.getString("email"), doc.getString("firstName"),
                doc.getString("lastName"), doc.getList("roles", String.class, List.of()),
                doc.getList("teamIds", String.class, List.of()).stream().map(UUID::fromString).toList()));
    }

    /** The organization's pending invitations whose invitees are to join {@code teamId}, by invitation id. */
    public Map<UUID, List<UUID>> pendingInto(UUID organizationId, UUID teamId) {
        Map<UUID, List<UUID>> teamsByInvitation = new LinkedHashMap<>();
        collection.get().find(Filters.and(Filters.eq("organizationId", organizationId.toString()),
                        Filters.eq("teamIds", teamId.toString()), Filters.eq("status", "pending")))
                .projection(Projections.include("teamIds"))
                .forEach(d -> teamsByInvitation.put(UUID.fromString(d.getString("_id")),
                        d.getList("teamIds", String.class, List.of()).stream().map(UUID::fromString).toList()));
        return teamsByInvitation;
    }

    /** An invitee as the members list shows them while the invitation is pending. */
    public record Invitee(String email, String firstName, String lastName, List<String> roles, List<UUID> teamIds) {
    }

    /** A page in (email, id) order; only documents whose InvitationIssued arrived are listed. */
    List<Document> page(UUID organizationId, String status, String emailLower, KeysetCursor after, int limit) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("organizationId", organizationId.toString())));
        if (status != null) {
            filters.add(Filters.eq("status", status));
        }
        if (emailLower != null) {
            filters.add(Filters.eq("emailLower", emailLower));
        }
        if (after != null) {
            filters.add(after.after("emailLower", "_id"));
        }
        return collection.get().find(Filters.and(filters)).sort(Sorts.ascending("emailLower", "_id")).limit(limit)
                .into(new ArrayList<>());
    }

    static String cursorOf(Document d) {
        return KeysetCursor.of(d.getString("emailLower"), d.getString("_id"));
    }

    static InvitationView view(Document d) {
        String invitedBy = d.getString("invitedBy");
        Date lastSentAt = d.getDate("lastSentAt");
        return new InvitationView(UUID.fromString(d.getString("_id")), d.getString("email"),
                d.getList("roles", String.class, List.of()),
                d.getList("teamIds", String.class, List.of()).stream().map(UUID::fromString).toList(),
                d.getString("status"), invitedBy == null ? null : UUID.fromString(invitedBy),
                d.getDate("createdAt").toInstant(), d.getDate("expiresAt").toInstant(),
                d.getInteger("resendCount", 0), lastSentAt == null ? null : lastSentAt.toInstant());
    }
}
