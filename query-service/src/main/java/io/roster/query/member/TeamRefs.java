package io.roster.query.member;

import io.roster.query.team.TeamStore;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Team ids as rows show them: the teams that exist, with their current names, in the event's order. */
final class TeamRefs {

    private TeamRefs() {
    }

    static List<TeamRef> resolve(TeamStore teams, UUID organizationId, List<UUID> teamIds) {
        if (teamIds == null || teamIds.isEmpty()) {
            return List.of();
        }
        return of(teams.namesOf(organizationId, teamIds.stream().map(UUID::toString).toList()), teamIds);
    }

    /** @param names the names of the organization's teams (at least of those that exist among {@code teamIds}), by id */
    static List<TeamRef> of(Map<String, String> names, List<UUID> teamIds) {
        if (teamIds == null || teamIds.isEmpty()) {
            return List.of();
        }
        return teamIds.stream().distinct()
                .map(id -> names.containsKey(id.toString()) ? new TeamRef(id, names.get(id.toString())) : null)
                .filter(Objects::nonNull).toList();
    }
}
