package io.roster.query.member;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.TeamCreated;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import io.roster.query.invitation.InvitationStore;
import io.roster.query.team.TeamMembers;
import io.roster.query.team.TeamsCreatedListener;
import io.roster.query.team.TeamProjection;
import io.roster.query.team.TeamStore;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Pending invitees in the members list ({@code status: pending}) until they accept; then the identity
 * service's MemberAdded brings the active row. Accepting removes the pending row, so an invitee is never
 * listed twice. A revoked or expired invitation is no longer pending; a resend makes it pending again.
 *
 * <p>Team names come from the teams read model, fed by the identity topic, while invitations come on their own
 * topic: an invitation into a team created just before may be applied before the team is known, and its row then
 * shows only the teams that were. The team's TeamCreated gives the row the team back, once {@link TeamProjection} has
 * written the team ({@link #teamsCreated}).
 */
@Component
class PendingInviteeProjection implements Projection, TeamsCreatedListener {

    /**
     * The event types that write what is held in the batch first: all that {@link #apply(EventEnvelope)} acts on but an
     * issued invitation, which is held itself (two issues of one invitation are alike), and a new team, whose
     * {@link #teamsCreated} reads the invitations and their rows.
     */
    private static final Set<Class<?>> TOUCHING_HELD_ROWS = Set.of(InvitationResent.class, InvitationAccepted.class,
            InvitationRevoked.class, InvitationUpdated.class, InvitationDeclined.class, InvitationExpired.class,
            MemberAdded.class, TeamCreated.class);

    private final MemberRows rows;
    private final HeldInvitations heldInvites;
    private final TeamStore teams;
    private final TeamMembers teamMembers;
    private final InvitationStore invitations;

    PendingInviteeProjection(MemberRows rows, HeldInvitations heldInvites, TeamStore teams, TeamMembers teamMembers,
                             InvitationStore invitations) {
        this.rows = rows;
        this.heldInvites = heldInvites;
        this.teams = teams;
        this.teamMembers = teamMembers;
        this.invitations = invitations;
    }

    /**
     * In a batch, the rows of issued invitations (a bulk upload's thousand) are held and written together
     * ({@link HeldInvitations}); any other event this projection applies first writes them, so it finds their rows. It
     * reads the invitations for a resend and a new team: what the batch holds for them is written first (only that: the
     * batch's other held writes, of other collections, stay to its end).
     */
    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        if (envelope.event() instanceof InvitationIssued issued) {
            batch.hold(heldInvites, issued);
            return;
        }
        if (TOUCHING_HELD_ROWS.contains(envelope.event().getClass())) {
            batch.write(heldInvites);
        }
        if (envelope.event() instanceof InvitationResent || envelope.event() instanceof TeamCreated) {
            batch.write(invitations.heldWrites());
        }
        apply(envelope);
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationIssued issued) {
            invite(issued.organizationId(), issued.invitationId(), issued.email(), issued.firstName(), issued.lastName(),
                    issued.roles(), issued.teamIds(), issued.occurredAt());
        } else if (envelope.event() instanceof InvitationResent resent) {
            // after an expiry the row is gone; the invitation's own read model still knows the invitee
            invitations.invitee(resent.invitationId()).ifPresent(invitee -> invite(resent.organizationId(),
                    resent.invitationId(), invitee.email(), invitee.firstName(), invitee.lastName(), invitee.roles(),
                    invitee.teamIds(), resent.occurredAt()));
        } else if (envelope.event() instanceof InvitationAccepted accepted) {
            rows.withdrawInvitation(accepted.organizationId(), accepted.invitationId());
        } else if (envelope.event() instanceof InvitationRevoked revoked) {
            rows.withdrawInvitation(revoked.organizationId(), revoked.invitationId());
        } else if (envelope.event() instanceof InvitationUpdated updated) {
            List<TeamRef> teamRefs = TeamRefs.resolve(teams, updated.organizationId(), updated.teamIds());
            rows.setInvitationTerms(updated.organizationId(), updated.invitationId(), updated.roles(), teamRefs);
            teamMembers.listRow(teamRefs.stream().map(t -> t.teamId().toString()).toList(),
                    MemberRows.invitationRowId(updated.organizationId(), updated.invitationId()));
        } else if (envelope.event() instanceof InvitationDeclined declined) {
            rows.withdrawInvitation(declined.organizationId(), declined.invitationId());
        } else if (envelope.event() instanceof InvitationExpired expired) {
            rows.withdrawInvitation(expired.organizationId(), expired.invitationId());
        } else if (envelope.event() instanceof MemberAdded added && added.invitationId() != null && added.via() != JoinPath.LINK) {
            // a link's join has no pending row to take away (its invitationId is the link's): no delete per crowd member
            rows.withdrawInvitation(added.organizationId(), added.invitationId());
        }
        // TeamCreated: once the team is written (teamsCreated)
    }

    /**
     * The rows of pending invitations into teams created after them show those teams now: one read of the invitations
     * for all the teams. What the batch held of the invitations was written at each TeamCreated (see
     * {@link #apply(EventEnvelope, EventBatch)}), and no invitation event comes between a TeamCreated and this call.
     */
    @Override
    public void teamsCreated(List<TeamCreated> created) {
        invitations.pendingInto(created).forEach(pending -> showTeams(pending.organizationId(), pending.invitationId(), pending.teamIds()));
    }

    private void showTeams(UUID organizationId, UUID invitationId, List<UUID> teamIds) {
        List<TeamRef> teamRefs = TeamRefs.resolve(teams, organizationId, teamIds);
        String rowId = MemberRows.invitationRowId(organizationId, invitationId);
        rows.setInvitationTeams(organizationId, invitationId, teamRefs);
        teamMembers.listRow(teamRefs.stream().map(t -> t.teamId().toString()).toList(), rowId);
    }

    private void invite(UUID organizationId, UUID invitationId, String email, String firstName, String lastName,
                        List<String> roles, List<UUID> teamIds, Instant invitedAt) {
        List<TeamRef> teamRefs = TeamRefs.resolve(teams, organizationId, teamIds);
        rows.invite(organizationId, invitationId, email, firstName, lastName, roles, teamRefs, invitedAt);
        // listed on its teams so that a rename reaches the row by id; not counted, the invitee is no member yet
        teamMembers.listRow(teamRefs.stream().map(t -> t.teamId().toString()).toList(), MemberRows.invitationRowId(organizationId, invitationId));
    }
}
