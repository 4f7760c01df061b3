package io.roster.query.member;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.query.consumer.Projection;
import io.roster.query.team.TeamProjection;
import io.roster.query.user.UserStore;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Membership and team events onto member rows ({@code members-v1}), and the team member counts that
 * follow from them. Profile events reach the rows through {@link MemberProfileSpreader}.
 */
@Component
class MemberProjection implements Projection {

    private final MemberRows rows;
    private final UserStore users;
    private final TeamProjection teams;

    MemberProjection(MemberRows rows, UserStore users, TeamProjection teams) {
        this.rows = rows;
        this.users = users;
        this.teams = teams;
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof MemberAdded added) {
            joined(added);
        } else if (envelope.event() instanceof MemberRolesChanged changed) {
            rows.setRoles(changed.organizationId(), changed.userId(), changed.roles());
        } else if (envelope.event() instanceof MemberTeamsChanged changed) {
            teamsChanged(changed);
        } else if (envelope.event() instanceof MemberRemoved removed) {
            rows.remove(removed.organizationId(), removed.userId()).ifPresentOrElse(
                    teamIds -> recount(removed.organizationId(), teamIds),
                    // no row: a redelivery, maybe after a crash between the delete and the recount
                    () -> recountAll(removed.organizationId()));
        } else if (envelope.event() instanceof TeamRenamed renamed) {
            rows.renameTeam(renamed.organizationId(), renamed.teamId(), renamed.name());
        } else if (envelope.event() instanceof TeamDeleted deleted) {
            rows.dropTeam(deleted.organizationId(), deleted.teamId());
        }
    }

    private void joined(MemberAdded added) {
        UUID organizationId = added.organizationId();
        List<TeamRef> teamRefs = TeamRefs.resolve(teams, organizationId, added.teamIds());
        // Write the row first, then read the profile: the user's events may be applied at this very moment
        // on another thread or instance, and they write the profile first and then look for rows. Whichever
        // runs second sees the other's write, and the version check keeps an older profile from winning.
        rows.join(organizationId, added.userId(), added.roles(), teamRefs, added.occurredAt());
        users.find(added.userId()).ifPresent(profile -> rows.copyProfile(organizationId, profile));
        recount(organizationId, teamRefs.stream().map(t -> t.teamId().toString()).toList());
    }

    private void teamsChanged(MemberTeamsChanged changed) {
        UUID organizationId = changed.organizationId();
        List<TeamRef> teamRefs = TeamRefs.resolve(teams, organizationId, changed.teamIds());
        List<String> now = teamRefs.stream().map(t -> t.teamId().toString()).toList();
        rows.setTeams(organizationId, changed.userId(), teamRefs).ifPresent(before -> {
            if (new HashSet<>(before).equals(new HashSet<>(now))) {
                // nothing changed: a redelivery, which no longer knows the teams the member left
                recountAll(organizationId);
            } else {
                Set<String> touched = new HashSet<>(before);
                touched.addAll(now);
                recount(organizationId, touched);
            }
        });
    }


    /**
     * Counts are recomputed from the rows rather than incremented, so applying an event twice cannot
     * count a member twice.
     */
    private void recount(UUID organizationId, Collection<String> teamIds) {
        teamIds.forEach(teamId -> teams.setMemberCount(teamId, rows.countActiveInTeam(organizationId, teamId)));
    }

    private void recountAll(UUID organizationId) {
        recount(organizationId, teams.idsOf(organizationId));
    }
}
