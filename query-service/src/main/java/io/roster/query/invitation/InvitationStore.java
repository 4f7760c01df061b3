package io.roster.query.invitation;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import io.roster.events.identity.TeamCreated;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.web.KeysetCursor;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the personal invitations ({@code invitations}) that {@link InvitationProjection} writes, and holds the writes
 * of a batch ({@link #heldWrites}): one that reads the invitations in a batch writes those first, and only those.
 */
@Component
public class InvitationStore {

    private final VersionedCollection collection;
    private final EventBatch.Writer<UpdateOneModel<Document>> heldWrites =
            // in order: two events of one invitation in a batch must be written as they came
            writes -> collection().get().bulkWrite(writes, new BulkWriteOptions().ordered(true));

    InvitationStore(ProjectionCollections collections) {
        this.collection = collections.declare("invitations", c -> {
            c.createIndex(Indexes.ascending("organizationId", "emailLower", "_id"), new IndexOptions().name("list"));
            c.createIndex(Indexes.ascending("organizationId", "status", "emailLower", "_id"), new IndexOptions().name("by_status"));
            // the pending invitations into a team that was created after them (see pendingInto)
            c.createIndex(Indexes.ascending("organizationId", "teamIds", "status"), new IndexOptions().name("by_team"));
        });
    }

    VersionedCollection collection() {
        return collection;
    }

    /** The writer of the invitations' writes a batch holds until its end, or until someone reads them. */
    public EventBatch.Writer<UpdateOneModel<Document>> heldWrites() {
        return heldWrites;
    }

    /** What a pending member row needs of an invitation whose InvitationIssued was applied. */
    public Optional<Invitee> invitee(UUID invitationId) {
        // by _id alone, the email checked here: mongo-java-server uses an index only for such a filter
        Document d = collection.get().find(Filters.eq("_id", invitationId.toString())).first();
        return Optional.ofNullable(d).filter(doc -> doc.getString("email") != null).map(doc -> new Invitee(doc.getString("email"), doc.getString("firstName"),
                doc.getString("lastName"), doc.getList("roles", String.class, List.of()),
                doc.getList("teamIds", String.class, List.of()).stream().map(UUID::fromString).toList()));
    }

    /**
     * The pending invitations whose invitees are to join one of the new teams (of the invitation's own organization),
     * with all their teams: one read for the lot.
     */
    public List<PendingIntoTeam> pendingInto(Collection<TeamCreated> created) {
        Set<String> teams = new HashSet<>();
        created.forEach(team -> teams.add(team.organizationId() + "/" + team.teamId()));
        List<PendingIntoTeam> pending = new ArrayList<>();
        collection.get().find(Filters.and(
                        Filters.in("organizationId", created.stream().map(team -> team.organizationId().toString()).distinct().toList()),
                        Filters.in("teamIds", created.stream().map(team -> team.teamId().toString()).distinct().toList()),
                        Filters.eq("status", "pending")))
                .projection(Projections.include("organizationId", "teamIds"))
                .forEach(d -> {
                    List<String> teamIds = d.getList("teamIds", String.class, List.of());
                    String organizationId = d.getString("organizationId");
                    // a team id is unique, but only a team of the invitation's own organization counts
                    if (teamIds.stream().anyMatch(teamId -> teams.contains(organizationId + "/" + teamId))) {
                        pending.add(new PendingIntoTeam(UUID.fromString(organizationId), UUID.fromString(d.getString("_id")),
                                teamIds.stream().map(UUID::fromString).toList()));
                    }
                });
        return pending;
    }

    /** A pending invitation into a team just created, and all the teams its invitee is to join. */
    public record PendingIntoTeam(UUID organizationId, UUID invitationId, List<UUID> teamIds) {
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
                d.getInteger("resendCount", 0), lastSentAt == null ? null : lastSentAt.toInstant(),
                instantOrNull(d.getDate("membershipExpiresAt")), d.getInteger("membershipDays"));
    }

    private static Instant instantOrNull(Date date) {
        return date == null ? null : date.toInstant();
    }
}
