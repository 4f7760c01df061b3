package io.roster.invitation.link;

import io.roster.events.EmailAddress;
import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.InvitationValidity;
import io.roster.events.invitation.LinkAudience;
import io.roster.events.invitation.MembershipTerms;
import io.roster.kit.web.RuleViolation;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A reusable invitation link. Every join is an event on this aggregate's stream, so the quota is exact under
 * concurrency: commands on one link are serialized in a process, and across processes the event store's
 * unique (aggregate, sequence) index refuses the second of two racing appends, whose command is retried
 * against the new count.
 */
@Aggregate
class InvitationLink {

    @AggregateIdentifier
    private UUID linkId;
    private UUID organizationId;
    private String name;
    private String description;
    private List<String> emails;
    private Instant expiresAt;
    private Integer quota;
    private List<String> roles;
    private List<UUID> teamIds;
    private String tokenHash;
    private boolean enabled;
    private int used;
    /** Who joined, with the end of the membership each join gave (null: none). */
    private Map<UUID, Instant> members = new HashMap<>();
    /** How long the memberships of those who join last; each join's end is computed at the join. */
    private MembershipTerms membership = MembershipTerms.NONE;

    InvitationLink() {
        // for Axon
    }

    @CommandHandler
    InvitationLink(CreateInvitationLinkCommand command, Clock clock) {
        Instant now = clock.instant();
        validate(command.emails(), command.expiresAt(), command.quota(), 0, now);
        MembershipTerms terms = command.membership() == null ? MembershipTerms.NONE : command.membership();
        requireValid(terms, now);
        apply(new InvitationLinkCreated(UUID.randomUUID(), now, command.organizationId(), command.actorId(), command.linkId(),
                command.name(), command.description(), List.copyOf(command.emails()), command.expiresAt(), command.quota(),
                List.copyOf(command.roles()), List.copyOf(command.teamIds()), command.tokenHash(), command.token(),
                terms.expiresAt(), terms.days()));
    }

    @CommandHandler
    void handle(UpdateInvitationLinkCommand command, Clock clock) {
        requireOrganization(command.organizationId());
        Instant now = clock.instant();
        String newName = command.name() != null ? command.name() : name;
        String newDescription = command.description() != null ? command.description() : description;
        List<String> newEmails = command.emails() != null ? List.copyOf(command.emails()) : emails;
        Instant newExpiry = command.expiresAt() != null ? command.expiresAt().orElse(null) : expiresAt;
        Integer newQuota = command.quota() != null ? command.quota().orElse(null) : quota;
        List<String> newRoles = command.roles() != null ? List.copyOf(command.roles()) : roles;
        List<UUID> newTeams = command.teamIds() != null ? List.copyOf(command.teamIds()) : teamIds;
        validate(newEmails, command.expiresAt() == null ? null : newExpiry, newQuota, used, now);
        MembershipTerms newMembership = membership.patched(command.membershipExpiresAt(), command.membershipDays());
        if (!newMembership.equals(membership)) {
            requireValid(newMembership, now);
        }
        if (Objects.equals(newName, name) && Objects.equals(newDescription, description) && newEmails.equals(emails)
                && Objects.equals(newExpiry, expiresAt) && Objects.equals(newQuota, quota) && newRoles.equals(roles)
                && newTeams.equals(teamIds) && newMembership.equals(membership)) {
            return;
        }
        apply(new InvitationLinkUpdated(UUID.randomUUID(), now, organizationId, command.actorId(), linkId, newName,
                newDescription, newEmails, newExpiry, newQuota, newRoles, newTeams, newMembership.expiresAt(),
                newMembership.days()));
    }

    @CommandHandler
    void handle(SetInvitationLinkStatusCommand command, Clock clock) {
        requireOrganization(command.organizationId());
        if (command.enabled() == enabled) {
            return;
        }
        apply(command.enabled()
                ? new InvitationLinkEnabled(UUID.randomUUID(), clock.instant(), organizationId, command.actorId(), linkId)
                : new InvitationLinkDisabled(UUID.randomUUID(), clock.instant(), organizationId, command.actorId(), linkId));
    }

    @CommandHandler
    LinkUse handle(UseInvitationLinkCommand command, Clock clock) {
        return use(command, clock.instant(), MetaData.emptyInstance());
    }

    @CommandHandler
    List<LinkUse> handle(UseInvitationLinkForEachCommand command, Clock clock) {
        Instant now = clock.instant();
        List<LinkUse> uses = new ArrayList<>(command.uses().size());
        for (UseInvitationLinkForEachCommand.Use use : command.uses()) {
            try {
                uses.add(use(use.command(), now, MetaData.from(use.eventMetaData())));
            } catch (RuleViolation refused) {
                // a refusal applies no event and changes nothing here, so the joins after it see the link as it was
                uses.add(new LinkUse(organizationId, refused.problemCode()));
            }
        }
        return uses;
    }

    /** @param origin what the events carry besides the command's own metadata (a join's cause and trace), or nothing */
    private LinkUse use(UseInvitationLinkCommand command, Instant now, MetaData origin) {
        if (!command.tokenHash().equals(tokenHash)) {
            throw new RuleViolation(ProblemCode.INVITATION_NOT_FOUND, "This invitation link is not valid.");
        }
        if (members.containsKey(command.userId())) {
            return new LinkUse(organizationId, null, members.get(command.userId()));
        }
        if (command.alreadyMember()) {
            throw new RuleViolation(ProblemCode.ALREADY_MEMBER, "You are already a member of this organization.");
        }
        InvitationValidity validity = InvitationValidity.ofLink(enabled, expiresAt, null, used, now);
        if (!validity.usable()) {
            throw new RuleViolation(validity.code().orElseThrow(), validity.detail());
        }
        String email = EmailAddress.normalize(command.email());
        ProblemCode refusal = !LinkAudience.admits(emails, email) ? ProblemCode.EMAIL_MISMATCH
                : !emails.isEmpty() && !command.emailVerified() ? ProblemCode.EMAIL_NOT_VERIFIED : null;
        if (refusal != null) {
            apply(new InvitationAcceptRejected(UUID.randomUUID(), now, organizationId, command.userId(), null, linkId,
                    command.userId(), email, refusal.code()), origin);
            return new LinkUse(organizationId, refusal);
        }
        if (membership.lapsedAt(now)) {
            // before the quota and recorded nowhere: no place of the link is spent on a membership already over
            throw new RuleViolation(ProblemCode.MEMBERSHIP_EXPIRED, "The membership this invitation link offers ended on "
                    + membership.expiresAt() + "; ask an admin of the organization for a new link.");
        }
        // the quota last: a refused address never learns whether the link is used up, and never uses it up
        validity = InvitationValidity.ofLink(enabled, expiresAt, quota, used, now);
        if (!validity.usable()) {
            throw new RuleViolation(validity.code().orElseThrow(), validity.detail());
        }
        // the end is decided once, here: the identity service takes it as it is, however late it applies the join
        apply(new InvitationLinkUsed(UUID.randomUUID(), now, organizationId, command.userId(), linkId, command.userId(),
                email, roles, teamIds, used + 1, membership.endFor(now)), origin);
        return new LinkUse(organizationId, null, members.get(command.userId()));
    }

    private static void validate(List<String> emails, Instant expiresAt, Integer quota, int used, Instant now) {
        if (emails.stream().anyMatch(e -> !LinkAudience.isValid(e))) {
            throw RuleViolation.invalidField("emails", "each must be an address or *@domain");
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw RuleViolation.invalidField("expiresAt", "must be in the future");
        }
        if (quota != null && (quota < 1 || quota < used)) {
            throw RuleViolation.invalidField("quota", "must be at least 1 and at least the " + used + " uses so far");
        }
    }

    /** Terms that can be set at {@code now}, else validation_failed naming the field. */
    private static void requireValid(MembershipTerms terms, Instant now) {
        terms.problemAt(now).ifPresent(problem -> {
            throw RuleViolation.invalidField(problem.field(), problem.message());
        });
    }

    private void requireOrganization(UUID organization) {
        if (!organizationId.equals(organization)) {
            throw new RuleViolation(ProblemCode.NOT_FOUND, "No such invitation link in this organization.");
        }
    }

    @EventSourcingHandler
    void on(InvitationLinkCreated event) {
        linkId = event.linkId();
        organizationId = event.organizationId();
        name = event.name();
        description = event.description();
        emails = event.emails();
        expiresAt = event.expiresAt();
        quota = event.quota();
        roles = event.roles();
        teamIds = event.teamIds();
        tokenHash = event.tokenHash();
        enabled = true;
        membership = new MembershipTerms(event.membershipExpiresAt(), event.membershipDays());
    }

    @EventSourcingHandler
    void on(InvitationLinkUpdated event) {
        name = event.name();
        description = event.description();
        emails = event.emails();
        expiresAt = event.expiresAt();
        quota = event.quota();
        roles = event.roles();
        teamIds = event.teamIds();
        membership = new MembershipTerms(event.membershipExpiresAt(), event.membershipDays());
    }

    @EventSourcingHandler
    void on(InvitationLinkEnabled event) {
        enabled = true;
    }

    @EventSourcingHandler
    void on(InvitationLinkDisabled event) {
        enabled = false;
    }

    @EventSourcingHandler
    void on(InvitationLinkUsed event) {
        used = event.used();
        members.put(event.userId(), event.membershipExpiresAt());
    }
}
