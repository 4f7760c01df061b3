package io.roster.query.team;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.user.UserProfile;
import io.roster.query.web.KeysetCursor;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Teams of every organization ({@code teams}), one document per team, sorted for lists by lower-cased
 * name. A deleted team's document goes. The member count is set by the member projection, which knows
 * the rows it counts.
 */
@Component
public class TeamProjection implements Projection {

    public static final String COLLECTION = "teams";

    private final VersionedCollection collection;

    TeamProjection(ProjectionCollections collections) {
        // the teams list: one organization, in name order, keyset after (nameLower, _id)
        this.collection = collections.declare(COLLECTION,
                c -> c.createIndex(Indexes.ascending("organizationId", "nameLower", "_id"), new IndexOptions().name("list")));
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof TeamCreated created) {
            collection.get().updateOne(Filters.eq("_id", created.teamId().toString()), Updates.combine(
                    Updates.set("organizationId", created.organizationId().toString()),
                    named(created.name(), created.description()),
                    Updates.set("createdAt", Date.from(created.occurredAt())),
                    Updates.setOnInsert("memberCount", 0L)), new UpdateOptions().upsert(true));
        } else if (envelope.event() instanceof TeamRenamed renamed) {
            collection.get().updateOne(Filters.eq("_id", renamed.teamId().toString()), named(renamed.name(), renamed.description()));
        } else if (envelope.event() instanceof TeamDeleted deleted) {
            collection.get().deleteOne(Filters.eq("_id", deleted.teamId().toString()));
        }
    }

    private static Bson named(String name, String description) {
        return Updates.combine(Updates.set("name", name), Updates.set("nameLower", UserProfile.lower(name)),
                Updates.set("description", description));
    }

    /** Names of the organization's existing teams among {@code teamIds}, by team id; deleted ones are absent. */
    public Map<String, String> namesOf(UUID organizationId, Collection<String> teamIds) {
        Map<String, String> names = new HashMap<>();
        if (teamIds.isEmpty()) {
            return names;
        }
        collection.get().find(Filters.and(Filters.in("_id", teamIds), Filters.eq("organizationId", organizationId.toString())))
                .projection(Projections.include("name"))
                .forEach(d -> names.put(d.getString("_id"), d.getString("name")));
        return names;
    }

    public List<String> idsOf(UUID organizationId) {
        return collection.get().find(Filters.eq("organizationId", organizationId.toString())).projection(Projections.include("_id"))
                .map(d -> d.getString("_id")).into(new ArrayList<>());
    }

    public void setMemberCount(String teamId, long count) {
        collection.get().updateOne(Filters.eq("_id", teamId), Updates.set("memberCount", count));
    }

    /** A page of the organization's teams in (lower-cased name, id) order, {@code limit} rows after the cursor. */
    List<Document> page(UUID organizationId, KeysetCursor after, int limit) {
        Bson filter = Filters.eq("organizationId", organizationId.toString());
        if (after != null) {
            filter = Filters.and(filter, after.after("nameLower", "_id"));
        }
        return collection.get().find(filter).sort(Sorts.ascending("nameLower", "_id")).limit(limit).into(new ArrayList<>());
    }

    static TeamView view(Document d) {
        Number count = d.get("memberCount", Number.class);
        return new TeamView(UUID.fromString(d.getString("_id")), d.getString("name"), d.getString("description"),
                count == null ? 0 : count.longValue());
    }

    static String cursorOf(Document d) {
        return KeysetCursor.of(d.getString("nameLower"), d.getString("_id"));
    }
}
