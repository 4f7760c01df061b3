package io.roster.query.team;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.web.KeysetCursor;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.roster.query.team.TeamMembers.COUNTED_UP_TO;
import static io.roster.query.team.TeamMembers.MEMBER_ROWS;

/**
 * Reads the teams ({@code teams}), sorted for lists by lower-cased name. {@link TeamProjection} writes a team's
 * name, {@link TeamMembers} its members; this class writes nothing.
 */
@Component
public class TeamStore {

    public static final String COLLECTION = "teams";

    private final VersionedCollection collection;

    TeamStore(ProjectionCollections collections) {
        // the teams list: one organization, in name order, keyset after (nameLower, _id)
        this.collection = collections.declare(COLLECTION,
                c -> c.createIndex(Indexes.ascending("organizationId", "nameLower", "_id"), new IndexOptions().name("list")));
    }

    VersionedCollection collection() {
        return collection;
    }

    /** Names of the organization's existing teams among {@code teamIds}, by team id; deleted ones are absent. */
    public Map<String, String> namesOf(UUID organizationId, Collection<String> teamIds) {
        Map<String, String> names = new HashMap<>();
        if (teamIds.isEmpty()) {
            return names;
        }
        // by _id alone (the organization checked here): mongo-java-server uses an index only for such a filter
        collection.get().find(Filters.in("_id", teamIds)).projection(Projections.include("name", "organizationId"))
                .forEach(d -> {
                    if (organizationId.toString().equals(d.getString("organizationId"))) {
                        names.put(d.getString("_id"), d.getString("name"));
                    }
                });
        return names;
    }

    /** A page of the organization's teams in (lower-cased name, id) order, {@code limit} rows after the cursor. */
    List<Document> page(UUID organizationId, KeysetCursor after, int limit) {
        Bson filter = Filters.eq("organizationId", organizationId.toString());
        if (after != null) {
            filter = Filters.and(filter, after.after("nameLower", "_id"));
        }
        return collection.get().find(filter).projection(Projections.exclude(MEMBER_ROWS, COUNTED_UP_TO))
                .sort(Sorts.ascending("nameLower", "_id")).limit(limit).into(new ArrayList<>());
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
