package io.roster.invitation.invitation;

import io.roster.events.EmailAddress;
import io.roster.events.ProblemCode;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.directory.SingleOrganization;
import io.roster.invitation.link.LinkJoins;
import io.roster.kit.command.Commands;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Preview and accept of an invitation token, personal or link, for every door an invitee comes through: the
 * API ({@link AcceptController}) and the {@code /invite} pages. Tokens are looked up by their SHA-256 only and
 * never echoed. Blocking (lookups and the command bus): call it off the event loop.
 */
@Component
public class InvitationAcceptance {

    private final Commands commands;
    private final InvitationLookup lookup;
    private final IdentityDirectory directory;
    private final LinkJoins links;
    private final SingleOrganization singleOrganization;
    private final Clock clock;

    InvitationAcceptance(Commands commands, InvitationLookup lookup, IdentityDirectory directory, LinkJoins links,
                         SingleOrganization singleOrganization, Clock clock) {
        this.singleOrganization = singleOrganization;
        this.commands = commands;
        this.lookup = lookup;
        this.directory = directory;
        this.links = links;
        this.clock = clock;
    }

    /**
     * What an invitee may see before logging in: no address, only a hint of it.
     *
     * @param membershipExpiresAt when the membership gained by joining now would end (the terms' end date, or now plus
     *                            their days), or null for never
     */
    public record Preview(String organizationName, List<String> roles, String status, String emailHint,
                          Instant membershipExpiresAt) {
    }

    /** @param membershipExpiresAt the end of the membership the join gave, decided at the join; null for none */
    public record Accepted(UUID organizationId, Instant membershipExpiresAt) {
    }

    /** @return empty for a token that is no invitation's nor link's (current) token */
    /** Who a personal invitation was sent to, to fill in its sign-up form (the token is the proof); empty for a link. */
    public record Invitee(String email, String firstName, String lastName) {
    }

    public Optional<Invitee> invitee(String token) {
        return lookup.byTokenHash(SecretBox.hash(token)).map(e -> new Invitee(e.email(), e.firstName(), e.lastName()));
    }

    public Optional<Preview> preview(String token) {
        String hash = SecretBox.hash(token);
        Instant now = clock.instant();
        return lookup.byTokenHash(hash)
                .map(entry -> new Preview(directory.organizationName(entry.organizationId()).orElse(null), entry.roles(),
                        entry.effectiveStatus(now), EmailAddress.mask(entry.email()), entry.membership().endFor(now)))
                .or(() -> links.preview(hash).map(link -> new Preview(link.organizationName(), link.roles(), link.status(),
                        link.emailHint(), link.membershipExpiresAt())));
    }

    /**
     * Accepts as {@code caller}: the caller's address must be the invited one. Accepting again as the user who
     * already accepted answers the same result and changes nothing. Blocking: run it in the request's
     * {@link Commands#run}, which answers the Consistency-Token.
     *
     * @throws RuleViolation with the refusal's code ({@code invitation_not_found}, {@code email_mismatch}, …)
     */
    public Accepted accept(String token, RosterPrincipal caller) {
        String hash = SecretBox.hash(token);
        var personal = lookup.byTokenHash(hash);
        if (personal.isEmpty()) {
            LinkJoins.Joined joined = links.join(hash, caller).orElseThrow(InvitationAcceptance::notFound);
            return new Accepted(joined.organizationId(), joined.membershipExpiresAt());
        }
        InvitationLookup.Entry entry = personal.get();
        // refused before the command, so the invitation stays pending: accepted, it would read "accepted" while the
        // identity service drops the join. Only the invitee's own pending invitation is refused this way; any other
        // refusal (email_mismatch, invitation_used, …) is the aggregate's.
        if (InvitationStatus.PENDING.json().equals(entry.effectiveStatus(clock.instant()))
                && entry.email().equals(EmailAddress.normalize(caller.email()))
                && singleOrganization.forbidsJoining(entry.organizationId(), caller.userId())) {
            throw inOtherOrganization();
        }
        AcceptOutcome outcome = commands.sendAndWait(new AcceptInvitationCommand(entry.invitationId(), hash, caller.userId(),
                caller.email()));
        if (outcome.rejected()) {
            throw new RuleViolation(outcome.rejectedCode(), "This invitation was sent to another address than the one you are logged in with.");
        }
        return new Accepted(outcome.organizationId(), outcome.membershipExpiresAt());
    }

    /**
     * Declines the personal invitation of this token. Blocking: run it in the request's {@link Commands#run}.
     *
     * @return the invitation's id
     * @throws RuleViolation {@code invitation_not_found} for a token of no personal invitation, or the refusal of one
     *                       that ended ({@code invitation_used}, {@code invitation_revoked}, {@code invitation_expired})
     */
    public UUID decline(String token) {
        String hash = SecretBox.hash(token);
        InvitationLookup.Entry entry = lookup.byTokenHash(hash).orElseThrow(InvitationAcceptance::notFound);
        commands.sendAndWait(new DeclineInvitationCommand(entry.invitationId(), hash));
        return entry.invitationId();
    }

    public static RuleViolation inOtherOrganization() {
        return new RuleViolation(ProblemCode.USER_IN_OTHER_ORGANIZATION,
                "You are a member of another organization, and a user may belong to only one.");
    }

    static RuleViolation notFound() {
        return new RuleViolation(ProblemCode.INVITATION_NOT_FOUND, "This invitation link is not valid.");
    }
}
