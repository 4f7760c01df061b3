package io.roster.invitation.invitation;

import io.roster.events.EmailAddress;
import io.roster.events.EncryptedSecret;
import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationValidity;
import io.roster.events.invitation.MembershipTerms;
import io.roster.kit.web.RuleViolation;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A personal invitation of one address to one organization. Only the SHA-256 of the current token is
 * kept; a resend replaces it, so the old token stops working. Optimistic locking on the event stream makes
 * racing commands (two instances expiring it, an accept against a revoke) produce one outcome.
 */
@Aggregate
class Invitation {

    @AggregateIdentifier
    private UUID invitationId;
    private UUID organizationId;
    private String email;
    private List<String> roles;
    private List<UUID> teamIds;
    /** The longest an invitation may be valid from now (an issue's or an edit's expiry). */
    static final Duration MAX_VALIDITY = Duration.ofHours(720);

    private Duration validity;
    private Instant expiresAt;
    private String tokenHash;
    private InvitationStatus status;
    private UUID acceptedBy;
    private int resendCount;
    /** How long the invitee's membership will last; the end is computed at the join. */
    private MembershipTerms membership = MembershipTerms.NONE;
    /** The end of the membership the accept gave, or null. */
    private Instant membershipEnd;
    /** The sealed token of the last invitation email (issue or resend): a reminder carries the same link. */
    private EncryptedSecret sealedToken;
    /** When the last invitation email was triggered (issue or resend). */
    private Instant lastSentAt;
    /** Whether the invitee was reminded since the last invitation email: one reminder per sent link. */
    private boolean reminded;

    Invitation() {
        // for Axon
    }

    @CommandHandler
    Invitation(IssueInvitationCommand command, Clock clock) {
        Instant now = clock.instant();
        if (!command.expiresAt().isAfter(now)) {
            throw RuleViolation.invalidField("expiresAt", "An invitation must expire in the future.");
        }
        if (!EmailAddress.isValid(command.email())) {
            throw RuleViolation.invalidField("emails", "Not a valid email address.");
        }
        MembershipTerms terms = command.membership() == null ? MembershipTerms.NONE : command.membership();
        requireValid(terms, now);
        apply(new InvitationIssued(UUID.randomUUID(), now, command.organizationId(), command.actorId(),
                command.invitationId(), command.email(), command.firstName(), command.lastName(),
                List.copyOf(command.roles()), List.copyOf(command.teamIds()), command.expiresAt(),
                command.tokenHash(), command.token(), command.bulkJobId(), terms.expiresAt(), terms.days()));
    }

    @CommandHandler
    ResendOutcome handle(ResendInvitationCommand command, Clock clock) {
        requireOrganization(command.organizationId());
        if (status == InvitationStatus.ACCEPTED) {
            throw refused(InvitationValidity.USED);
        }
        if (status == InvitationStatus.REVOKED) {
            throw refused(InvitationValidity.REVOKED);
        }
        Instant now = clock.instant();
        Instant newExpiry = now.plus(validity);
        apply(new InvitationResent(UUID.randomUUID(), now, organizationId, command.actorId(), invitationId, email,
                newExpiry, command.tokenHash(), command.token(), resendCount + 1));
        return new ResendOutcome(newExpiry);
    }

    @CommandHandler
    void handle(RevokeInvitationCommand command, Clock clock) {
        requireOrganization(command.organizationId());
        if (status == InvitationStatus.REVOKED) {
            return;
        }
        if (status == InvitationStatus.ACCEPTED) {
            throw refused(InvitationValidity.USED);
        }
        if (status == InvitationStatus.EXPIRED) {
            throw refused(InvitationValidity.EXPIRED);
        }
        apply(new InvitationRevoked(UUID.randomUUID(), clock.instant(), organizationId, command.actorId(), invitationId, email));
    }

    @CommandHandler
    void handle(ExpireInvitationCommand command, Clock clock) {
        Instant now = clock.instant();
        if (status != InvitationStatus.PENDING || now.isBefore(expiresAt)) {
            throw new RuleViolation(ProblemCode.CONFLICT, "Invitation " + invitationId + " is not due to expire.");
        }
        apply(new InvitationExpired(UUID.randomUUID(), now, organizationId, null, invitationId, email));
    }

    /**
     * The invitee is reminded before the invitation expires, once per sent link, with nobody asking (the reminder sweep
     * sends this): as with the expiry, when two instances race, the optimistic lock and this guard let one
     * InvitationReminderSent through. Never for an invitation that is not pending, or past its expiry.
     */
    @CommandHandler
    void handle(RemindInvitationCommand command, Clock clock) {
        Instant now = clock.instant();
        if (status != InvitationStatus.PENDING || reminded || !now.isBefore(expiresAt)
                || now.isBefore(ReminderDue.at(lastSentAt, expiresAt, command.reminderHours()))) {
            throw new RuleViolation(ProblemCode.CONFLICT, "Invitation " + invitationId + " is not due a reminder.");
        }
        apply(new InvitationReminderSent(UUID.randomUUID(), now, organizationId, null, invitationId, email, expiresAt, sealedToken));
    }

    /**
     * An admin edits a pending invitation's roles, teams, expiry or membership terms; the invitee's link keeps working.
     * An edit that changes nothing records nothing.
     */
    @CommandHandler
    void handle(UpdateInvitationCommand command, Clock clock) {
        requireOrganization(command.organizationId());
        Instant now = clock.instant();
        InvitationValidity standing = InvitationValidity.ofInvitation(status.json(), expiresAt, now);
        if (!standing.usable()) {
            throw refused(standing);
        }
        if (command.expiresAt() != null && (!command.expiresAt().isAfter(now) || command.expiresAt().isAfter(now.plus(MAX_VALIDITY)))) {
            throw RuleViolation.invalidField("expiresAt", "must be in the future and at most " + MAX_VALIDITY.toHours() + " hours ahead");
        }
        List<String> newRoles = command.roles() != null ? List.copyOf(command.roles()) : roles;
        List<UUID> newTeams = command.teamIds() != null ? List.copyOf(command.teamIds()) : teamIds;
        Instant newExpiry = command.expiresAt() != null ? command.expiresAt() : expiresAt;
        MembershipTerms newMembership = membership.patched(command.membershipExpiresAt(), command.membershipDays());
        if (!newMembership.equals(membership)) {
            requireValid(newMembership, now);
        }
        if (newRoles.equals(roles) && newTeams.equals(teamIds) && newExpiry.equals(expiresAt) && newMembership.equals(membership)) {
            return;
        }
        apply(new InvitationUpdated(UUID.randomUUID(), now, organizationId, command.actorId(), invitationId, email, newRoles,
                newTeams, newExpiry, newMembership.expiresAt(), newMembership.days()));
    }

    /** The invitee says no, with the link's token as the proof; declining twice changes nothing. */
    @CommandHandler
    void handle(DeclineInvitationCommand command, Clock clock) {
        if (!command.tokenHash().equals(tokenHash)) {
            throw new RuleViolation(ProblemCode.INVITATION_NOT_FOUND, "This invitation link is not valid.");
        }
        if (status == InvitationStatus.DECLINED) {
            return;
        }
        Instant now = clock.instant();
        InvitationValidity validity = InvitationValidity.ofInvitation(status.json(), expiresAt, now);
        if (!validity.usable()) {
            throw refused(validity);
        }
        apply(new InvitationDeclined(UUID.randomUUID(), now, organizationId, null, invitationId, email));
    }

    @CommandHandler
    AcceptOutcome handle(AcceptInvitationCommand command, Clock clock) {
        if (!command.tokenHash().equals(tokenHash)) {
            throw new RuleViolation(ProblemCode.INVITATION_NOT_FOUND, "This invitation link is not valid.");
        }
        if (status == InvitationStatus.ACCEPTED && command.userId().equals(acceptedBy)) {
            return AcceptOutcome.accepted(organizationId, membershipEnd);
        }
        Instant now = clock.instant();
        InvitationValidity validity = InvitationValidity.ofInvitation(status.json(), expiresAt, now);
        if (!validity.usable()) {
            throw refused(validity);
        }
        String callerEmail = EmailAddress.normalize(command.email());
        if (!email.equals(callerEmail)) {
            apply(new InvitationAcceptRejected(UUID.randomUUID(), now, organizationId, command.userId(), invitationId,
                    null, command.userId(), callerEmail, ProblemCode.EMAIL_MISMATCH.code()));
            return new AcceptOutcome(organizationId, ProblemCode.EMAIL_MISMATCH);
        }
        if (membership.lapsedAt(now)) {
            // nothing recorded: the invitation stays pending, and an edit of its terms makes it usable again
            throw membershipLapsed(membership);
        }
        // the end is decided once, here: the identity service takes it as it is, however late it applies the join
        apply(new InvitationAccepted(UUID.randomUUID(), now, organizationId, command.userId(), invitationId,
                command.userId(), email, roles, teamIds, membership.endFor(now)));
        return AcceptOutcome.accepted(organizationId, membershipEnd);
    }

    /** Terms that can be set at {@code now}, else validation_failed naming the field. */
    static void requireValid(MembershipTerms terms, Instant now) {
        terms.problemAt(now).ifPresent(problem -> {
            throw RuleViolation.invalidField(problem.field(), problem.message());
        });
    }

    /** A join refused because the membership it gives would already be over (410 membership_expired). */
    static RuleViolation membershipLapsed(MembershipTerms terms) {
        return new RuleViolation(ProblemCode.MEMBERSHIP_EXPIRED, "The membership this invitation offers ended on "
                + terms.expiresAt() + "; ask an admin of the organization for a new invitation.");
    }

    private static RuleViolation refused(InvitationValidity validity) {
        return new RuleViolation(validity.code().orElseThrow(), validity.detail());
    }

    private void requireOrganization(UUID organization) {
        if (!organizationId.equals(organization)) {
            throw new RuleViolation(ProblemCode.NOT_FOUND, "No such invitation in this organization.");
        }
    }

    @EventSourcingHandler
    void on(InvitationIssued event) {
        invitationId = event.invitationId();
        organizationId = event.organizationId();
        email = event.email();
        roles = event.roles();
        teamIds = event.teamIds() == null ? List.of() : event.teamIds();
        validity = Duration.between(event.occurredAt(), event.expiresAt());
        expiresAt = event.expiresAt();
        tokenHash = event.tokenHash();
        sealedToken = event.token();
        lastSentAt = event.occurredAt();
        status = InvitationStatus.PENDING;
        membership = new MembershipTerms(event.membershipExpiresAt(), event.membershipDays());
    }

    @EventSourcingHandler
    void on(InvitationResent event) {
        expiresAt = event.expiresAt();
        tokenHash = event.tokenHash();
        sealedToken = event.token();
        lastSentAt = event.occurredAt();
        reminded = false;
        resendCount = event.resendCount();
        status = InvitationStatus.PENDING;
    }

    @EventSourcingHandler
    void on(InvitationReminderSent event) {
        reminded = true;
    }

    @EventSourcingHandler
    void on(InvitationRevoked event) {
        status = InvitationStatus.REVOKED;
    }

    @EventSourcingHandler
    void on(InvitationExpired event) {
        status = InvitationStatus.EXPIRED;
    }

    @EventSourcingHandler
    void on(InvitationUpdated event) {
        roles = event.roles();
        teamIds = event.teamIds();
        expiresAt = event.expiresAt();
        membership = new MembershipTerms(event.membershipExpiresAt(), event.membershipDays());
    }

    @EventSourcingHandler
    void on(InvitationDeclined event) {
        status = InvitationStatus.DECLINED;
    }

    @EventSourcingHandler
    void on(InvitationAccepted event) {
        status = InvitationStatus.ACCEPTED;
        acceptedBy = event.userId();
        membershipEnd = event.membershipExpiresAt();
    }
}
