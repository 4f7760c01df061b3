package io.roster.query.organization;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who belongs to which organization with which roles ({@code memberships}), as far as readers'
 * access needs it. One document per membership, keyed {@code organizationId:userId}.
 */
@Component
public class MembershipProjection implements Projection, EventBatch.Writer<MembershipProjection.MembershipWrite> {

    private final VersionedCollection collection;

    MembershipProjection(ProjectionCollections collections) {
        this.collection = collections.declare("memberships",
                c -> c.createIndex(Indexes.ascending("userId", "organizationId"), new IndexOptions().name("by_user")));
    }

    @Override
    public void apply(EventEnvelope envelope) {
        writeOf(envelope).ifPresent(write -> writeAll(List.of(write)));
    }

    /**
     * Held to the end of the batch and made in a few bulk writes: no projection reads memberships (only the queries'
     * access checks do), so nothing in the batch needs them earlier, and a batch that fails before its end comes
     * again whole.
     */
    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        writeOf(envelope).ifPresent(write -> batch.hold(this, write));
    }

    /**
     * The writes to one membership keep their order; writes to different memberships do not depend on each other. So
     * each round takes the next write of every membership and sends them unordered, which lets the driver send one
     * command per kind (replace, update, delete) instead of one per change of kind: a batch usually takes one round.
     */
    @Override
    public void writeAll(List<MembershipWrite> writes) {
        Map<String, Deque<WriteModel<Document>>> byMembership = new LinkedHashMap<>();
        writes.forEach(write -> byMembership.computeIfAbsent(write.key(), k -> new ArrayDeque<>()).add(write.model()));
        while (!byMembership.isEmpty()) {
            List<WriteModel<Document>> round = new ArrayList<>(byMembership.size());
            byMembership.values().removeIf(pending -> {
                round.add(pending.poll());
                return pending.isEmpty();
            });
            collection.get().bulkWrite(round, new BulkWriteOptions().ordered(false));
        }
    }

    private static Optional<MembershipWrite> writeOf(EventEnvelope envelope) {
        if (envelope.event() instanceof MemberAdded added) {
            String key = key(added.organizationId(), added.userId());
            return Optional.of(new MembershipWrite(key, new ReplaceOneModel<>(Filters.eq("_id", key),
                    new Document("_id", key)
                            .append("organizationId", added.organizationId().toString())
                            .append("userId", added.userId().toString())
                            .append("roles", added.roles())
                            .append("joinedAt", Date.from(added.occurredAt())),
                    new ReplaceOptions().upsert(true))));
        } else if (envelope.event() instanceof MemberRolesChanged changed) {
            String key = key(changed.organizationId(), changed.userId());
            return Optional.of(new MembershipWrite(key, new UpdateOneModel<>(Filters.eq("_id", key), Updates.set("roles", changed.roles()))));
        } else if (envelope.event() instanceof MemberRemoved removed) {
            String key = key(removed.organizationId(), removed.userId());
            return Optional.of(new MembershipWrite(key, new DeleteOneModel<>(Filters.eq("_id", key))));
        } else if (envelope.event() instanceof MemberExpired expired) {
            String key = key(expired.organizationId(), expired.userId());
            return Optional.of(new MembershipWrite(key, new DeleteOneModel<>(Filters.eq("_id", key))));
        }
        return Optional.empty();
    }

    /** The member's roles, or empty when the user is not a member. */
    public Optional<List<String>> roles(UUID organizationId, UUID userId) {
        // by _id alone: mongo-java-server uses an index only for such a filter
        Document membership = collection.get().find(Filters.eq("_id", key(organizationId, userId)))
                .projection(Projections.include("roles")).first();
        return Optional.ofNullable(membership).map(d -> d.getList("roles", String.class, List.of()));
    }

    /** The organization ids of a user's memberships, in id order after {@code afterId}. */
    List<String> organizationsOf(UUID userId, String afterId, int limit) {
        var filter = afterId == null ? Filters.eq("userId", userId.toString())
                : Filters.and(Filters.eq("userId", userId.toString()), Filters.gt("organizationId", afterId));
        return collection.get().find(filter).projection(Projections.include("organizationId"))
                .sort(Sorts.ascending("organizationId")).limit(limit)
                .map(d -> d.getString("organizationId")).into(new ArrayList<>());
    }

    private static String key(UUID organizationId, UUID userId) {
        return organizationId + ":" + userId;
    }

    /** A write to the membership {@code key}. */
    record MembershipWrite(String key, WriteModel<Document> model) {
    }
}
