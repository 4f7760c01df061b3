package io.roster.identity.account;

import io.roster.events.ProblemCode;
import io.roster.identity.access.Actor;
import io.roster.identity.config.IdentityProperties;
import io.roster.identity.membership.UserMemberships;
import io.roster.identity.organization.CheckMemberAdmissionCommand;
import io.roster.kit.command.Commands;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A new set-up link for an account still waiting for its owner's first password (PRODUCT.md §4
 * {@code POST /api/v1/users/{userId}/account-setup}); issuing it makes the older link useless.
 *
 * <p>Who may: a provider admin, or an admin of an organization the user belongs to. Authorization comes before any
 * look at the user: a caller who administers no organization gets 403 whatever the id; an admin asking about a user
 * outside their organizations gets 404, as for an id that does not exist.
 */
@Component
class AccountSetupResend {

    private static final List<String> PLAIN_MEMBER = List.of("member");

    private final Commands commands;
    private final Accounts accounts;
    private final AccountTokens tokens;
    private final TokenSeal tokenSeal;
    private final UserMemberships memberships;
    private final IdentityProperties properties;

    AccountSetupResend(Commands commands, Accounts accounts, AccountTokens tokens, TokenSeal tokenSeal, UserMemberships memberships,
                       IdentityProperties properties) {
        this.commands = commands;
        this.accounts = accounts;
        this.tokens = tokens;
        this.tokenSeal = tokenSeal;
        this.memberships = memberships;
        this.properties = properties;
    }

    /** When the new link stops working. */
    Instant resend(UUID userId, Actor actor) {
        List<UUID> administered = actor.providerAdmin() ? List.of() : administeredBy(actor);
        if (!actor.providerAdmin() && administered.isEmpty()) {
            throw ApiProblem.forbidden("Only an admin of an organization the user belongs to, or a provider admin, may send a set-up link.");
        }
        UUID organizationId = null;
        if (!actor.providerAdmin()) {
            Set<UUID> usersOrganizations = memberships.organizationsOf(userId);
            organizationId = administered.stream().filter(usersOrganizations::contains).findFirst()
                    .orElseThrow(AccountSetupResend::noSuchUser);
        }
        Account account = accounts.findActive(userId).orElseThrow(AccountSetupResend::noSuchUser);
        if (account.passwordHash() != null) {
            throw new RuleViolation(ProblemCode.ACCOUNT_ALREADY_SET_UP, "This account has a password already; its owner can ask for a password reset.");
        }
        AccountTokens.Issued setup = tokens.issue(userId, AccountTokens.Purpose.SETUP, properties.accountSetupTokenTtl());
        commands.sendAndWait(new RequestAccountSetupCommand(userId, organizationId, actor.userId(), tokenSeal.seal(setup.token()),
                setup.expiresAt()));
        return setup.expiresAt();
    }

    /** The organizations the actor administers, asked of each organization (a check that changes nothing). */
    private List<UUID> administeredBy(Actor actor) {
        List<UUID> administered = new ArrayList<>();
        for (UUID organizationId : memberships.organizationsOf(actor.userId())) {
            try {
                commands.sendAndWait(new CheckMemberAdmissionCommand(organizationId, PLAIN_MEMBER, List.of(), actor));
                administered.add(organizationId);
            } catch (RuleViolation | ApiProblem refused) {
                // a member without the admin role there, or no longer a member
            }
        }
        return administered;
    }

    private static ApiProblem noSuchUser() {
        return ApiProblem.notFound("No user by that id in an organization you administer.");
    }
}
