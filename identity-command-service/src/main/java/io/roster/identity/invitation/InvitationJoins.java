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
import io.roster.identity.organization.UserDirectory;
import io.roster.kit.command.Commands;
import io.roster.kit.web.RuleViolation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Applies the invitation service's joins (PRODUCT.md §4 "Accepting", issue 5): an accepted personal
 * invitation or a used link makes the user a member with the invitation's roles and teams, and a personal
 * invitation accepted at the user's own address verifies it when the platform's own mail carried its token
 * ({@link InvitationDeliveries}).
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
public class InvitationJoins {

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

    /** Applies the envelope's event when it is a join; other invitation events are not identity's concern. */
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationAccepted accepted) {
            requireUser(accepted.userId(), accepted.eventId());
            if (deliveries.acceptanceProvesAddress(accepted.invitationId())) {
                commands.sendAndWait(new VerifyInvitedEmailCommand(accepted.userId(), accepted.email(), accepted.userId()));
            }
            // the end date was fixed by the invitation service at the join's instant: copied, never recomputed
            join(new AcceptInvitationMembershipCommand(accepted.organizationId(), accepted.userId(), accepted.roles(),
                    teams(accepted.teamIds()), JoinPath.INVITATION, accepted.invitationId(), accepted.membershipExpiresAt()),
                    accepted.eventId());
        } else if (envelope.event() instanceof InvitationLinkUsed used) {
            requireUser(used.userId(), used.eventId());
            join(new AcceptInvitationMembershipCommand(used.organizationId(), used.userId(), used.roles(),
                    teams(used.teamIds()), JoinPath.LINK, used.linkId(), used.membershipExpiresAt()), used.eventId());
        }
        // issued, resent, revoked, expired, link changes: nothing for identity to do
    }

    private void join(AcceptInvitationMembershipCommand command, UUID eventId) {
        SingleOrganizationPolicy.Admission admission;
        try {
            admission = singleOrganization.admit(command.userId(), command.organizationId());
        } catch (RuleViolation refused) {
            refused(command, eventId, refused);
            return;
        }
        boolean added;
        try {
            added = commands.sendAndWait(command);
        } catch (RuleViolation refused) {
            admission.release();
            refused(command, eventId, refused);
            return;
        } catch (RuntimeException e) {
            admission.release();
            throw e;
        }
        if (added) {
            log.info("User {} joined organization {} via {} {}", command.userId(), command.organizationId(),
                    command.via().name().toLowerCase(Locale.ROOT), command.invitationId());
        } else {
            admission.release();
            log.debug("User {} is already a member of organization {}; event {} changes nothing", command.userId(),
                    command.organizationId(), eventId);
        }
    }

    private void refused(AcceptInvitationMembershipCommand command, UUID eventId, RuleViolation refused) {
        log.warn("Not adding user {} to organization {} for {} {} (event {}): {} {}", command.userId(),
                command.organizationId(), command.via().name().toLowerCase(Locale.ROOT), command.invitationId(),
                eventId, refused.code(), refused.getMessage());
        Counter.builder("roster.identity.invitation.joins.refused")
                .description("Accepted invitations and used links whose join the organization's rules refused")
                .tag("code", refused.code())
                .register(meters).increment();
    }

    private void requireUser(UUID userId, UUID eventId) {
        if (userId == null || !users.isActiveUser(userId)) {
            throw new IllegalStateException("Event " + eventId + " names user " + userId + ", whom identity does not know");
        }
    }

    private static List<UUID> teams(List<UUID> teamIds) {
        return teamIds == null ? List.of() : teamIds;
    }
}
