package io.roster.query.organization;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Organizations by id ({@code organizations}). */
@Component
public class OrganizationProjection implements Projection {

    private final VersionedCollection collection;

    OrganizationProjection(ProjectionCollections collections) {
        this.collection = collections.declare("organizations");
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof OrganizationCreated created) {
            collection.get().replaceOne(Filters.eq("_id", created.organizationId().toString()),
                    new Document("_id", created.organizationId().toString())
                            .append("name", created.name())
                            .append("createdAt", Date.from(created.occurredAt()))
                            .append("createdBy", created.actorId() == null ? null : created.actorId().toString()),
                    new ReplaceOptions().upsert(true));
        } else if (envelope.event() instanceof OrganizationRenamed renamed) {
            collection.get().updateOne(Filters.eq("_id", renamed.organizationId().toString()), Updates.set("name", renamed.name()));
        }
    }

    Optional<OrganizationView> find(UUID organizationId) {
        return Optional.ofNullable(collection.get().find(Filters.eq("_id", organizationId.toString())).first()).map(OrganizationProjection::toView);
    }

    /** The names of those of {@code organizationIds} that exist, by id. */
    public Map<UUID, String> namesOf(Collection<UUID> organizationIds) {
        Map<UUID, String> names = new HashMap<>();
        if (organizationIds.isEmpty()) {
            return names;
        }
        collection.get().find(Filters.in("_id", organizationIds.stream().map(UUID::toString).toList()))
                .projection(Projections.include("name"))
                .forEach(d -> names.put(UUID.fromString(d.getString("_id")), d.getString("name")));
        return names;
    }

    /** A page in id order, after the cursor (an organization id), limited to {@code ids} when given. */
    List<OrganizationView> page(Collection<String> ids, String afterId, int limit) {
        Bson filter = ids == null ? Filters.empty() : Filters.in("_id", ids);
        if (afterId != null) {
            filter = Filters.and(filter, Filters.gt("_id", afterId));
        }
        return collection.get().find(filter).sort(Sorts.ascending("_id")).limit(limit).map(OrganizationProjection::toView).into(new java.util.ArrayList<>());
    }

    private static OrganizationView toView(Document d) {
        String createdBy = d.getString("createdBy");
        return new OrganizationView(UUID.fromString(d.getString("_id")), d.getString("name"),
                d.getDate("createdAt").toInstant(), createdBy == null ? null : UUID.fromString(createdBy));
    }
}
