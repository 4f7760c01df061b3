package io.roster.query.member;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import io.roster.query.team.TeamMembers;
import io.roster.query.team.TeamStore;
import io.roster.query.user.UserProfile;
import io.roster.query.user.UserStore;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Membership and team events onto member rows ({@code members}), and the team member counts that follow
 * from them. Profile events reach the rows through {@link MemberProfileSpreader}. Every read and write is by
 * id: the rows of a user and of a team are listed on the user's and the team's documents.
 *
 * <p>Where an event moves team counts, the row is read first, the counts move, and the row is written last:
 * if the consumer dies in between, the redelivered event still finds the old row and computes the same change,
 * and {@link TeamMembers#countMembers} counts it at most once.
 */
@Component
class MemberProjection implements Projection {

    /** The event types {@link #apply(EventEnvelope)} acts on. */
    private static final Set<Class<?>> APPLIED = Set.of(MemberAdded.class, MemberRolesChanged.class, MemberTeamsChanged.class,
            MembershipExpiryChanged.class, MemberRemoved.class, MemberExpired.class, TeamRenamed.class, TeamDeleted.class);

    private final EventBatch.Writer<MemberAdded> heldJoins = this::joinAll;
    private final HeldInvitations heldInvitations;
    private final MemberRows rows;
    private final UserStore users;
    private final TeamStore teams;
    private final TeamMembers teamMembers;

    MemberProjection(MemberRows rows, HeldInvitations heldInvitations, UserStore users, TeamStore teams, TeamMembers teamMembers) {
        this.rows = rows;
        this.heldInvitations = heldInvitations;
        this.users = users;
        this.teams = teams;
        this.teamMembers = teamMembers;
    }

    /**
     * In a batch, the joins without teams (a crowd through a link, a group of additions) are held and made together
     * ({@link #joinAll}): five round trips for the lot instead of three each. Any other event this projection applies
     * first makes the held ones, so it finds their rows (a removal, a role change of a member who just joined).
     */
    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        if (envelope.event() instanceof MemberAdded added && (added.teamIds() == null || added.teamIds().isEmpty())) {
            batch.hold(heldJoins, added);
            return;
        }
        if (APPLIED.contains(envelope.event().getClass())) {
            batch.write(heldJoins);
            // the batch's held invitations join their teams' lists before this event's rows do, as one at a time
            batch.write(heldInvitations);
        }
        apply(envelope);
    }

    @Override
    public void apply(EventEnvelope envelope) {
        long sequence = envelope.sequenceNumber();
        if (envelope.event() instanceof MemberAdded added) {
            joined(added, sequence);
        } else if (envelope.event() instanceof MemberRolesChanged changed) {
            rows.setRoles(changed.organizationId(), changed.userId(), changed.roles());
        } else if (envelope.event() instanceof MemberTeamsChanged changed) {
            teamsChanged(changed, sequence);
        } else if (envelope.event() instanceof MembershipExpiryChanged changed) {
            rows.setExpiresAt(changed.organizationId(), changed.userId(), changed.expiresAt());
        } else if (envelope.event() instanceof MemberRemoved removed) {
            removed(removed.organizationId(), removed.userId(), sequence);
        } else if (envelope.event() instanceof MemberExpired expired) {
            // the membership ended by itself: the member is gone as a removed one is
            removed(expired.organizationId(), expired.userId(), sequence);
        } else if (envelope.event() instanceof TeamRenamed renamed) {
            rows.renameTeam(teamMembers.memberRowsOf(renamed.teamId()), renamed.teamId(), renamed.name());
        } else if (envelope.event() instanceof TeamDeleted deleted) {
            // the team's document lists its rows, so it goes only after they no longer show the team
            rows.dropTeam(teamMembers.memberRowsOf(deleted.teamId()), deleted.teamId());
            teamMembers.delete(deleted.teamId());
        }
    }

    private void joined(MemberAdded added, long sequence) {
        UUID organizationId = added.organizationId();
        String rowId = MemberRows.memberRowId(organizationId, added.userId());
        List<TeamRef> teamRefs = TeamRefs.resolve(teams, organizationId, added.teamIds());
        teamMembers.countMembers(changes(Set.of(), idsOf(teamRefs)), rowId, sequence);
        // The row first, then the user's document lists it and answers the profile in one atomic step: a profile
        // saved before that step is answered here, one saved after finds the row listed and writes it itself.
        rows.join(organizationId, added.userId(), added.roles(), teamRefs, added.occurredAt(), added.expiresAt());
        Optional<UserProfile> profile = users.attachMemberRow(added.userId(), rowId);
        // the user's partition may have written a newer profile between our read and our write: copy that one
        while (profile.isPresent() && rows.copyProfile(organizationId, profile.get())) {
            profile = users.find(added.userId());
        }
    }

    /**
     * Joins without teams, as {@link #joined} makes each: the rows, then the users' documents list them and the
     * profiles are read, then each row takes its user's profile unless it shows a newer one already.
     */
    private void joinAll(List<MemberAdded> joins) {
        rows.joinAll(joins);
        Map<UUID, List<String>> rowIdsByUser = new LinkedHashMap<>();
        joins.forEach(added -> rowIdsByUser.computeIfAbsent(added.userId(), id -> new ArrayList<>())
                .add(MemberRows.memberRowId(added.organizationId(), added.userId())));
        Map<UUID, UserProfile> profiles = users.attachMemberRows(rowIdsByUser);
        Map<String, UserProfile> profileByRowId = new LinkedHashMap<>();
        rowIdsByUser.forEach((userId, rowIds) -> {
            UserProfile profile = profiles.get(userId);
            if (profile != null) {
                rowIds.forEach(rowId -> profileByRowId.put(rowId, profile));
            }
        });
        rows.copyNewerProfiles(profileByRowId);
    }

    private void teamsChanged(MemberTeamsChanged changed, long sequence) {
        UUID organizationId = changed.organizationId();
        List<TeamRef> teamRefs = TeamRefs.resolve(teams, organizationId, changed.teamIds());
        rows.teamsOf(organizationId, changed.userId()).ifPresent(before -> {
            teamMembers.countMembers(changes(before, idsOf(teamRefs)), MemberRows.memberRowId(organizationId, changed.userId()), sequence);
            rows.setTeams(organizationId, changed.userId(), teamRefs);
        });
    }

    private void removed(UUID organizationId, UUID userId, long sequence) {
        String rowId = MemberRows.memberRowId(organizationId, userId);
        rows.teamsOf(organizationId, userId).ifPresent(before -> {
            teamMembers.countMembers(changes(before, List.of()), rowId, sequence);
            rows.remove(organizationId, userId);
        });
        users.detachMemberRow(userId, rowId);
    }

    /** +1 for each team joined, -1 for each team left. */
    private static Map<String, Integer> changes(Collection<String> before, List<String> after) {
        Map<String, Integer> changes = new HashMap<>();
        Set<String> left = new HashSet<>(before);
        after.forEach(left::remove);
        left.forEach(team -> changes.put(team, -1));
        after.stream().filter(team -> !before.contains(team)).forEach(team -> changes.put(team, 1));
        return changes;
    }

    private static List<String> idsOf(List<TeamRef> teamRefs) {
        return teamRefs.stream().map(t -> t.teamId().toString()).toList();
    }
}
