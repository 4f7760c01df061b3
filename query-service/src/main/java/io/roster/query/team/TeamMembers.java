package io.roster.query.team;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The member fields of a team's document: the ids of the member rows that show it ({@code memberRows}, so a
 * rename or deletion updates exactly those rows by id) and the member count. The member projections keep them,
 * since they alone know a row's teams before and after an event, and delete the document of a deleted team
 * once its rows no longer show it.
 */
@Component
public class TeamMembers {

    static final String MEMBER_COUNT = "memberCount";
    static final String MEMBER_ROWS = "memberRows";
    /** The organization's sequence number of the last event counted into the team (see {@link #countMembers}). */
    static final String COUNTED_UP_TO = "countedUpTo";

    private final VersionedCollection collection;

    TeamMembers(TeamStore teams) {
        this.collection = teams.collection();
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

    /** {@link #listRow} of many rows: each team's rows in one update, all in one round trip. */
    public void listRows(Map<String, ? extends Collection<String>> rowIdsByTeam) {
        if (!rowIdsByTeam.isEmpty()) {
            collection.get().bulkWrite(rowIdsByTeam.entrySet().stream().map(team -> new UpdateOneModel<Document>(
                    Filters.eq("_id", team.getKey()), Updates.addEachToSet(MEMBER_ROWS, List.copyOf(team.getValue())))).toList(),
                    new BulkWriteOptions().ordered(false));
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
}
