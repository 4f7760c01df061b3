package io.roster.invitation.link;

import io.roster.events.ProblemCode;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.directory.SingleOrganization;
import io.roster.kit.command.Commands;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Preview of and joining through an invitation link, for the accept endpoints that serve both kinds of token. */
@Component
public class LinkJoins {

    private final LinkLookup lookup;
    private final IdentityDirectory directory;
    private final Commands commands;
    private final SingleOrganization singleOrganization;
    private final Clock clock;

    LinkJoins(LinkLookup lookup, IdentityDirectory directory, Commands commands, SingleOrganization singleOrganization,
              Clock clock) {
        this.singleOrganization = singleOrganization;
        this.lookup = lookup;
        this.directory = directory;
        this.commands = commands;
        this.clock = clock;
    }

    /** @param membershipExpiresAt when a membership gained by joining now would end, or null for never */
    public record Preview(String organizationName, List<String> roles, String status, String emailHint,
                          Instant membershipExpiresAt) {
    }

    /** @param membershipExpiresAt the end of the membership the join gave, or null for none */
    public record Joined(UUID organizationId, Instant membershipExpiresAt) {
    }

    public Optional<Preview> preview(String tokenHash) {
        Instant now = clock.instant();
        return lookup.byTokenHash(tokenHash).map(link -> new Preview(directory.organizationName(link.organizationId()).orElse(null),
                link.roles(), link.status(now), EmailPatterns.hint(link.emails()), link.membership().endFor(now)));
    }

    /**
     * Joins the caller through the link of this token hash, if there is one. An existing member is refused
     * with {@code already_member} without using the quota. Blocking: run it in the request's {@link Commands#run}.
     */
    public Optional<Joined> join(String tokenHash, RosterPrincipal caller) {
        Optional<LinkLookup.Entry> found = lookup.byTokenHash(tokenHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LinkLookup.Entry link = found.get();
        boolean member = directory.isMember(link.organizationId(), caller.userId());
        // before the command, so no use of the quota is spent on a join the identity service would drop
        if (!member && singleOrganization.forbidsJoining(link.organizationId(), caller.userId())) {
            throw new RuleViolation(ProblemCode.USER_IN_OTHER_ORGANIZATION,
                    "You are a member of another organization, and a user may belong to only one.");
        }
        LinkUse use = commands.sendAndWait(new UseInvitationLinkCommand(link.linkId(), tokenHash, caller.userId(), caller.email(),
                directory.isVerified(caller.userId()), member));
        if (use.rejected()) {
            throw new RuleViolation(use.rejectedCode(), use.rejectedCode() == ProblemCode.EMAIL_NOT_VERIFIED
                    ? "Verify your email address before joining through this link."
                    : "This invitation link is not for the address you are logged in with.");
        }
        return Optional.of(new Joined(use.organizationId(), use.membershipExpiresAt()));
    }

    /**
     * A new account that signed up with an invitation token: a join to make if the token is a link's.
     *
     * @param eventMetaData what the join's events carry: the sign-up's trace and event as their cause
     */
    public record SignUpJoin(String tokenHash, UUID userId, String email, boolean emailVerified, Map<String, String> eventMetaData) {
    }

    /**
     * Joins users who signed up with links' tokens: new accounts, so not yet members. Same rules as the accept
     * endpoint, started by the sign-ups' events instead of requests, and one command per link for all of its joins: a
     * crowd signing up through one link costs a load and an append of the link per batch, not per person.
     *
     * @return for each join whose token is a link's: no refusal when joined (or already joined by this user), or the
     * code of the refusal (one recorded as InvitationAcceptRejected, e.g. {@code email_not_verified}, or one that
     * changed nothing, e.g. {@code quota_exhausted}); joins whose token is no link's are absent
     */
    public Map<SignUpJoin, Optional<String>> joinAtSignUp(List<SignUpJoin> joins) {
        Map<String, UUID> linkIds = lookup.linkIdsByTokenHash(joins.stream().map(SignUpJoin::tokenHash).collect(Collectors.toSet()));
        Map<UUID, List<SignUpJoin>> byLink = new LinkedHashMap<>();
        for (SignUpJoin join : joins) {
            UUID linkId = linkIds.get(join.tokenHash());
            if (linkId != null) {
                byLink.computeIfAbsent(linkId, id -> new ArrayList<>()).add(join);
            }
        }
        Map<SignUpJoin, Optional<String>> outcomes = new HashMap<>();
        byLink.forEach((linkId, itsJoins) -> {
            List<LinkUse> uses = commands.sendAndWait(new UseInvitationLinkForEachCommand(linkId, itsJoins.stream()
                    .map(join -> new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, join.tokenHash(),
                            join.userId(), join.email(), join.emailVerified(), false), join.eventMetaData()))
                    .toList()));
            for (int i = 0; i < itsJoins.size(); i++) {
                outcomes.put(itsJoins.get(i), Optional.ofNullable(uses.get(i).rejectedCode()).map(ProblemCode::code));
            }
        });
        return outcomes;
    }
}
