package io.roster.query.member;

import io.roster.events.invitation.InvitationIssued;
import io.roster.query.consumer.EventBatch;
import io.roster.query.team.TeamMembers;
import io.roster.query.team.TeamStore;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The pending rows of a batch's issued invitations, held by {@link PendingInviteeProjection} and written together: a
 * bulk upload's thousand rows in one bulk write, their teams' names in one read per organization, and each team's list
 * of rows in one update per team ({@link TeamMembers#listRows}). Rows join a team's list in the order of their events,
 * as one at a time; so both member projections write what is held before any other event they apply, since it may add
 * a row to a team's list or read the held rows.
 */
@Component
class HeldInvitations implements EventBatch.Writer<InvitationIssued> {

    private final MemberRows rows;
    private final TeamStore teams;
    private final TeamMembers teamMembers;

    HeldInvitations(MemberRows rows, TeamStore teams, TeamMembers teamMembers) {
        this.rows = rows;
        this.teams = teams;
        this.teamMembers = teamMembers;
    }

    @Override
    public void writeAll(List<InvitationIssued> invitations) {
        Map<UUID, Map<String, String>> teamNames = teamNamesByOrganization(invitations);
        Map<UUID, List<TeamRef>> teamsByInvitation = new HashMap<>();
        Map<String, Set<String>> rowsByTeam = new LinkedHashMap<>();
        for (InvitationIssued issued : invitations) {
            List<TeamRef> teamRefs = TeamRefs.of(teamNames.getOrDefault(issued.organizationId(), Map.of()), issued.teamIds());
            teamsByInvitation.put(issued.invitationId(), teamRefs);
            String rowId = MemberRows.invitationRowId(issued.organizationId(), issued.invitationId());
            // listed on its teams so that a rename reaches the row by id; not counted, the invitee is no member yet
            teamRefs.forEach(team -> rowsByTeam.computeIfAbsent(team.teamId().toString(), id -> new LinkedHashSet<>()).add(rowId));
        }
        rows.inviteAll(invitations, teamsByInvitation);
        teamMembers.listRows(rowsByTeam);
    }

    private Map<UUID, Map<String, String>> teamNamesByOrganization(List<InvitationIssued> invitations) {
        Map<UUID, Set<String>> teamIds = new LinkedHashMap<>();
        invitations.stream().filter(issued -> issued.teamIds() != null).forEach(issued -> issued.teamIds().forEach(team ->
                teamIds.computeIfAbsent(issued.organizationId(), id -> new LinkedHashSet<>()).add(team.toString())));
        Map<UUID, Map<String, String>> names = new HashMap<>();
        teamIds.forEach((organizationId, ids) -> names.put(organizationId, teams.namesOf(organizationId, new ArrayList<>(ids))));
        return names;
    }
}
