package io.roster.identity.invitation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.JoinPath;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.identity.account.InvitationDeliveries;
import io.roster.identity.account.VerifyInvitedEmailCommand;
import io.roster.identity.membership.SingleOrganizationPolicy;
import io.roster.identity.organization.AcceptInvitationMembershipCommand;
import io.roster.identity.organization.AcceptInvitationMembershipsCommand;
import io.roster.identity.organization.UserDirectory;
import io.roster.kit.command.Commands;
import io.roster.kit.consumer.HeldToBatchEnd;
import io.roster.kit.web.RuleViolation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Applies the invitation service's joins (PRODUCT.md §4 "Accepting", issue 5): an accepted personal
 * invitation or a used link makes the user a member with the invitation's roles and teams, and a personal
 * invitation accepted at the user's own address verifies it when the platform's own mail carried its token
 * ({@link InvitationDeliveries}).
 *
 * <p>A poll at a time: each event's user is checked (and an address verified) as it comes, and the joins are made at
 * the batch's end, one command per organization for all of its joins ({@link AcceptInvitationMembershipsCommand}).
 * A crowd joining through one link arrives as batches of joins into one organization, which then cost a load and an
 * append each, not one per person.
 *
 * <p>Idempotent: a redelivered event finds the user already a member and the address already verified,
 * and changes nothing. The commands carry the record's correlation id (the log context's, see {@link Commands}).
 * A join the rules refuse (another organization under the single-organization policy,
 * roles the organization does not know) is final: logged at WARN and counted in
 * {@code roster.identity.invitation.joins.refused}, and the record is done. A user or an organization
 * identity does not know is an inconsistency (both are made here before any invitation can name them):
 * it throws ({@code not_found}), so the consumer's error handler retries and then dead-letters the record.
 */
@Component
public class InvitationJoins extends HeldToBatchEnd<InvitationJoins.Join> {

    private static final Logger log = LoggerFactory.getLogger(InvitationJoins.class);

    private final Commands commands;
    private final UserDirectory users;
    private final SingleOrganizationPolicy singleOrganization;
    private final MeterRegistry meters;
    private final InvitationDeliveries deliveries;

    InvitationJoins(Commands commands, UserDirectory users, SingleOrganizationPolicy singleOrganization,
                    MeterRegistry meters, InvitationDeliveries deliveries) {
        this.deliveries = deliveries;
        this.commands = commands;
        this.users = users;
        this.singleOrganization = singleOrganization;
        this.meters = meters;
    }

    /** Notes the envelope's event for the batch's end when it is a join; other invitation events are not identity's concern. */
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationAccepted accepted) {
            requireUser(accepted.userId(), accepted.eventId());
            if (deliveries.acceptanceProvesAddress(accepted.invitationId())) {
                commands.sendAndWait(new VerifyInvitedEmailCommand(accepted.userId(), accepted.email(), accepted.userId()));
            }
            // the end date was fixed by the invitation service at the join's instant: copied, never recomputed
            hold(new Join(new AcceptInvitationMembershipCommand(accepted.organizationId(), accepted.userId(), accepted.roles(),
                    teams(accepted.teamIds()), JoinPath.INVITATION, accepted.invitationId(), accepted.membershipExpiresAt()),
                    accepted.eventId()));
        } else if (envelope.event() instanceof InvitationLinkUsed used) {
            // its user is checked with the batch's others at its end (a crowd's hundreds in one read)
            hold(new Join(new AcceptInvitationMembershipCommand(used.organizationId(), used.userId(), used.roles(),
                    teams(used.teamIds()), JoinPath.LINK, used.linkId(), used.membershipExpiresAt()), used.eventId()));
        }
        // issued, resent, revoked, expired, link changes: nothing for identity to do
    }

    @Override
    protected void actOn(List<Held<Join>> joins) {
        // every user before any join (one read for the batch): an unknown one fails the batch, which the runtime then
        // applies again a record at a time, so that its record fails alone
        Set<UUID> active = users.activeUsers(joins.stream().map(join -> join.item().command().userId()).filter(Objects::nonNull).toList());
        joins.stream().filter(join -> !active.contains(join.item().command().userId())).findFirst()
                .ifPresent(join -> unknownUser(join.item().command().userId(), join.item().eventId()));
        Map<UUID, List<Held<Join>>> byOrganization = new LinkedHashMap<>();
        for (Held<Join> join : joins) {
            byOrganization.computeIfAbsent(join.item().command().organizationId(), id -> new ArrayList<>()).add(join);
        }
        byOrganization.forEach(this::join);
    }

    /** A join and the event that asked for it. */
    record Join(AcceptInvitationMembershipCommand command, UUID eventId) {
    }

    private void join(UUID organizationId, List<Held<Join>> joins) {
        List<Held<Join>> admitted = new ArrayList<>();
        List<SingleOrganizationPolicy.Admission> admissions = new ArrayList<>();
        for (Held<Join> join : joins) {
            try {
                admissions.add(singleOrganization.admit(join.item().command().userId(), organizationId));
                admitted.add(join);
            } catch (RuleViolation refused) {
                refused(join.item(), refused.code(), refused.getMessage());
            }
        }
        if (admitted.isEmpty()) {
            return;
        }
        List<AcceptInvitationMembershipsCommand.Outcome> outcomes;
        try {
            // each MemberAdded carries its own join's trace and names its event as the cause
            outcomes = commands.sendAndWait(new AcceptInvitationMembershipsCommand(organizationId, admitted.stream()
                    .map(join -> new AcceptInvitationMembershipsCommand.Join(join.item().command(), join.origin().eventMetaData()))
                    .toList()));
        } catch (RuntimeException e) {
            admissions.forEach(SingleOrganizationPolicy.Admission::release);
            throw e;
        }
        for (int i = 0; i < admitted.size(); i++) {
            Join join = admitted.get(i).item();
            AcceptInvitationMembershipCommand command = join.command();
            AcceptInvitationMembershipsCommand.Outcome outcome = outcomes.get(i);
            if (outcome.added()) {
                log.info("User {} joined organization {} via {} {}", command.userId(), organizationId,
                        command.via().name().toLowerCase(Locale.ROOT), command.invitationId());
                continue;
            }
            admissions.get(i).release();
            if (outcome.refusal() != null) {
                refused(join, outcome.refusal(), outcome.refusalDetail());
            } else {
                log.debug("User {} is already a member of organization {}; event {} changes nothing", command.userId(),
                        organizationId, join.eventId());
            }
        }
    }

    private void refused(Join join, String code, String detail) {
        AcceptInvitationMembershipCommand command = join.command();
        log.warn("Not adding user {} to organization {} for {} {} (event {}): {} {}", command.userId(),
                command.organizationId(), command.via().name().toLowerCase(Locale.ROOT), command.invitationId(),
                join.eventId(), code, detail);
        Counter.builder("roster.identity.invitation.joins.refused")
                .description("Accepted invitations and used links whose join the organization's rules refused")
                .tag("code", code)
                .register(meters).increment();
    }

    private void requireUser(UUID userId, UUID eventId) {
        if (userId == null || !users.isActiveUser(userId)) {
            unknownUser(userId, eventId);
        }
    }

    private static void unknownUser(UUID userId, UUID eventId) {
        throw new IllegalStateException("Event " + eventId + " names user " + userId + ", whom identity does not know");
    }

    private static List<UUID> teams(List<UUID> teamIds) {
        return teamIds == null ? List.of() : teamIds;
    }
}
