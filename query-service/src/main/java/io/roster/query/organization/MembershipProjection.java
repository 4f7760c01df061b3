package io.roster.query.organization;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who belongs to which organization with which roles ({@code memberships}), as far as readers'
 * access needs it. One document per membership, keyed {@code organizationId:userId}.
 */
@Component
public class MembershipProjection implements Projection {

    private final VersionedCollection collection;

    MembershipProjection(ProjectionCollections collections) {
        this.collection = collections.declare("memberships",
                c -> c.createIndex(Indexes.ascending("userId", "organizationId"), new IndexOptions().name("by_user")));
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof MemberAdded added) {
            collection.get().replaceOne(Filters.eq("_id", key(added.organizationId(), added.userId())),
                    new Document("_id", key(added.organizationId(), added.userId()))
                            .append("organizationId", added.organizationId().toString())
                            .append("userId", added.userId().toString())
                            .append("roles", added.roles())
                            .append("joinedAt", Date.from(added.occurredAt())),
                    new ReplaceOptions().upsert(true));
        } else if (envelope.event() instanceof MemberRolesChanged changed) {
            collection.get().updateOne(Filters.eq("_id", key(changed.organizationId(), changed.userId())), Updates.set("roles", changed.roles()));
        } else if (envelope.event() instanceof MemberRemoved removed) {
            collection.get().deleteOne(Filters.eq("_id", key(removed.organizationId(), removed.userId())));
        } else if (envelope.event() instanceof MemberExpired expired) {
            collection.get().deleteOne(Filters.eq("_id", key(expired.organizationId(), expired.userId())));
        }
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
}
