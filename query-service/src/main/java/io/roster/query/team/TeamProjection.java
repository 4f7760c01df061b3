package io.roster.query.team;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamRenamed;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.user.UserProfile;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.Date;
import java.util.List;

/**
 * Teams of every organization ({@code teams}), one document per team, from the team events: its name and
 * description. The member fields of the document are {@link TeamMembers}'; {@link TeamStore} reads it.
 *
 * <p>In a batch, new teams are held and written together, then the {@link TeamsCreatedListener}s hear of them: an
 * organization setting up its teams, or many organizations doing so at once, cost one write for a run of TeamCreated
 * events instead of one each. Any other event writes them first: this projection comes first, so no projection applies
 * an event before the teams created ahead of it are there.
 */
@Component
// first of the projections: every other event finds the teams created before it written (see apply)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TeamProjection implements Projection, EventBatch.Writer<TeamCreated> {

    private final VersionedCollection collection;
    private final List<TeamsCreatedListener> listeners;

    TeamProjection(TeamStore teams, List<TeamsCreatedListener> listeners) {
        this.collection = teams.collection();
        this.listeners = listeners;
    }

    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        if (envelope.event() instanceof TeamCreated created) {
            batch.hold(this, created);
            return;
        }
        batch.write(this);
        apply(envelope);
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof TeamCreated created) {
            writeAll(List.of(created));
        } else if (envelope.event() instanceof TeamRenamed renamed) {
            collection.get().updateOne(Filters.eq("_id", renamed.teamId().toString()), named(renamed.name(), renamed.description()));
        }
        // TeamDeleted: the member projection deletes (through TeamMembers) the document after taking the team off the rows it lists
    }

    /** The teams in one bulk write (an upsert each: a redelivered event writes the same fields again), then the listeners. */
    @Override
    public void writeAll(List<TeamCreated> created) {
        collection.get().bulkWrite(created.stream().map(team -> new UpdateOneModel<Document>(
                Filters.eq("_id", team.teamId().toString()), Updates.combine(
                        Updates.set("organizationId", team.organizationId().toString()),
                        named(team.name(), team.description()),
                        Updates.set("createdAt", Date.from(team.occurredAt())),
                        Updates.setOnInsert(TeamMembers.MEMBER_COUNT, 0L),
                        Updates.setOnInsert(TeamMembers.COUNTED_UP_TO, -1L)), new UpdateOptions().upsert(true))).toList(),
                new BulkWriteOptions().ordered(false));
        listeners.forEach(listener -> listener.teamsCreated(created));
    }

    private static Bson named(String name, String description) {
        return Updates.combine(Updates.set("name", name), Updates.set("nameLower", UserProfile.lower(name)),
                Updates.set("description", description));
    }
}
