package io.roster.query.team;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamRenamed;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.user.UserProfile;
import org.bson.conversions.Bson;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.Date;

/**
 * Teams of every organization ({@code teams}), one document per team, from the team events: its name and
 * description. The member fields of the document are {@link TeamMembers}'; {@link TeamStore} reads it.
 */
@Component
// first of the projections: those applied after it find a TeamCreated's team (and its name) already there
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TeamProjection implements Projection {

    private final VersionedCollection collection;

    TeamProjection(TeamStore teams) {
        this.collection = teams.collection();
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof TeamCreated created) {
            collection.get().updateOne(Filters.eq("_id", created.teamId().toString()), Updates.combine(
                    Updates.set("organizationId", created.organizationId().toString()),
                    named(created.name(), created.description()),
                    Updates.set("createdAt", Date.from(created.occurredAt())),
                    Updates.setOnInsert(TeamMembers.MEMBER_COUNT, 0L),
                    Updates.setOnInsert(TeamMembers.COUNTED_UP_TO, -1L)), new UpdateOptions().upsert(true));
        } else if (envelope.event() instanceof TeamRenamed renamed) {
            collection.get().updateOne(Filters.eq("_id", renamed.teamId().toString()), named(renamed.name(), renamed.description()));
        }
        // TeamDeleted: the member projection deletes (through TeamMembers) the document after taking the team off the rows it lists
    }

    private static Bson named(String name, String description) {
        return Updates.combine(Updates.set("name", name), Updates.set("nameLower", UserProfile.lower(name)),
                Updates.set("description", description));
    }
}
