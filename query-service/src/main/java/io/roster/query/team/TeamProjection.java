package io.roster.query.team;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamRenamed;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.user.UserProfile;
import io.roster.query.web.KeysetCursor;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
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
 * name. The member projection, which knows the rows, keeps on each team the ids of the member rows that
 * show it ({@code memberRows}, so a rename or deletion updates exactly those rows by id) and the member count,
 * and deletes the document of a deleted team once its rows no longer show it.
 */
@Component
// first of the projections: those applied after it find a TeamCreated's team (and its name) already there
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TeamProjection implements Projection {

    public static final String COLLECTION = "teams";
    private static final String MEMBER_COUNT = "memberCount";
    private static final String MEMBER_ROWS = "memberRows";
    /** The organization's sequence number of the last event counted into the team (see {@link #countMembers}). */
    private static final String COUNTED_UP_TO = "countedUpTo";

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
                    Updates.setOnInsert(MEMBER_COUNT, 0L),
                    Updates.setOnInsert(COUNTED_UP_TO, -1L)), new UpdateOptions().upsert(true));
        } else if (envelope.event() instanceof TeamRenamed renamed) {
            collection.get().updateOne(Filters.eq("_id", renamed.teamId().toString()), named(renamed.name(), renamed.description()));
        }
        // TeamDeleted: the member projection deletes the document after taking the team off the rows it lists
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
        // by _id alone (the organization checked here): mongo-java-server uses an index only for such a filter
        collection.get().find(Filters.in("_id", teamIds)).projection(Projections.include("name", "organizationId"))
                .forEach(d -> {
                    if (organizationId.toString().equals(d.getString("organizationId"))) {
                        names.put(d.getString("_id"), d.getString("name"));
                    }
                });
        return names;
    }

    /**
     * A member row joins ({@code +1}) or leaves ({@code -1}) teams because of the organization's event number
     * {@code sequence}: the count moves and the row is added to or taken off the team's list. All events that
     * change a team's members are the organization's, applied in order, so a team that already counted this
     * event (a redelivery after a crash before the event was recorded as applied) is left alone: each event
     * moves a count at most once. The check is a read by id rather than a condition in the write's filter,
     * which mongo-java-server would answer with a scan.
     */
    public void countMembers(Map<String, Integer> changes, String rowId, long sequence) {
        if (changes.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = new ArrayList<>();
        collection.get().find(Filters.in("_id", changes.keySet())).projection(Projections.include(COUNTED_UP_TO))
                .forEach(team -> {
                    Number counted = team.get(COUNTED_UP_TO, Number.class);
                    if (counted != null && counted.longValue() >= sequence) {
                        return;
                    }
                    int change = changes.get(team.getString("_id"));
                    updates.add(new UpdateOneModel<>(Filters.eq("_id", team.getString("_id")), Updates.combine(
                            Updates.inc(MEMBER_COUNT, (long) change),
                            change > 0 ? Updates.addToSet(MEMBER_ROWS, rowId) : Updates.pull(MEMBER_ROWS, rowId),
                            Updates.set(COUNTED_UP_TO, sequence))));
                });
        if (!updates.isEmpty()) {
            collection.get().bulkWrite(updates, new BulkWriteOptions().ordered(false));
        }
    }

    /** A pending invitee's row shows these teams: listed for renames, not counted (an idempotent add). */
    public void listRow(Collection<String> teamIds, String rowId) {
        if (!teamIds.isEmpty()) {
            collection.get().updateMany(Filters.in("_id", teamIds), Updates.addToSet(MEMBER_ROWS, rowId));
        }
    }

    /**
     * The ids of the rows that show the team. It may list rows since deleted (an invitee's row is not taken
     * off when the invitation ends): an update by those ids finds nothing, which is harmless.
     */
    public List<String> memberRowsOf(UUID teamId) {
        Document team = collection.get().find(Filters.eq("_id", teamId.toString())).projection(Projections.include(MEMBER_ROWS)).first();
        return team == null ? List.of() : team.getList(MEMBER_ROWS, String.class, List.of());
    }

    public void delete(UUID teamId) {
        collection.get().deleteOne(Filters.eq("_id", teamId.toString()));
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
