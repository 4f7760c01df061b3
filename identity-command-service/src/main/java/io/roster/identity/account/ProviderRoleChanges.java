package io.roster.identity.account;

import io.roster.events.ProblemCode;
import io.roster.identity.access.Actor;
import io.roster.kit.command.Commands;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * A provider admin sets a user's provider roles (PRODUCT.md §4 {@code PUT /api/v1/users/{userId}/provider-roles});
 * the platform always keeps one provider admin ({@code last_provider_admin}).
 *
 * <p>The roles in {@link Accounts} (what tokens are issued from) are written first and the remaining provider admins
 * counted after the write: two admins demoting each other at once both see none left and both undo, so the count
 * can never stay at zero, where a count before the write would let both through. The user then records
 * {@code ProviderRolesChanged}; should that fail, the roles are put back.
 */
@Component
class ProviderRoleChanges {

    private final Commands commands;
    private final Accounts accounts;

    ProviderRoleChanges(Commands commands, Accounts accounts) {
        this.commands = commands;
        this.accounts = accounts;
    }

    /** The user's provider roles now. */
    List<String> change(UUID userId, List<String> requested, Actor actor) {
        if (!actor.providerAdmin()) {
            throw ApiProblem.forbidden("Only a provider admin may change provider roles.");
        }
        List<String> roles = requested.stream().distinct().sorted().toList();
        List<String> before = accounts.setProviderRoles(userId, roles)
                .orElseThrow(() -> ApiProblem.notFound("There is no user " + userId + "."));
        boolean demoted = before.contains(RosterPrincipal.PROVIDER_ADMIN) && !roles.contains(RosterPrincipal.PROVIDER_ADMIN);
        if (demoted && accounts.countActiveWithProviderRole(RosterPrincipal.PROVIDER_ADMIN) == 0) {
            accounts.setProviderRoles(userId, before);
            throw new RuleViolation(ProblemCode.LAST_PROVIDER_ADMIN, "The platform must keep at least one provider admin.");
        }
        try {
            commands.sendAndWait(new ChangeProviderRolesCommand(userId, roles, actor));
        } catch (RuntimeException e) {
            accounts.setProviderRoles(userId, before);
            throw e;
        }
        return roles;
    }
}
