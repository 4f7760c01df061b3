package io.roster.identity.account;

import io.roster.events.ProblemCode;
import io.roster.events.identity.RemovalReason;
import io.roster.identity.access.Actor;
import io.roster.identity.membership.UserMemberships;
import io.roster.identity.organization.MemberRemoval;
import io.roster.identity.organization.RemoveMembersCommand;
import io.roster.kit.command.Commands;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A provider admin deletes an account (PRODUCT.md §3): never their own, never the last admin of an
 * organization, and every membership goes first, each as its own MemberRemoved (reason account-deleted,
 * one batch id for the whole deletion), then UserDeleted; the address is free again at the end.
 *
 * <p>The organizations come from {@link UserMemberships}. Each is asked first, without change, whether the
 * removal is allowed, so that a {@code last_admin} refusal leaves everything as it was. The account is
 * marked {@code deleting} meanwhile: the user can no longer log in or be added anywhere. Memberships added
 * in the instant between the lookup and that mark are caught by a second look at the end.
 */
@Component
class AccountDeletion {

    private final Commands commands;
    private final Accounts accounts;
    private final UserMemberships memberships;

    AccountDeletion(Commands commands, Accounts accounts, UserMemberships memberships) {
        this.commands = commands;
        this.accounts = accounts;
        this.memberships = memberships;
    }

    /** The organizations the user was removed from. */
    List<UUID> delete(UUID userId, Actor actor) {
        if (actor.userId().equals(userId)) {
            throw new RuleViolation(ProblemCode.CANNOT_DELETE_SELF, "Nobody can delete their own account.");
        }
        if (!actor.providerAdmin()) {
            throw ApiProblem.forbidden("Only a provider admin may delete an account.");
        }
        if (!accounts.exists(userId)) {
            throw ApiProblem.notFound("There is no user " + userId + ".");
        }
        UUID batchId = UUID.randomUUID();
        Set<UUID> organizations = memberships.organizationsOf(userId);
        for (UUID organizationId : organizations) {
            commands.sendAndWait(new RemoveMembersCommand(organizationId, List.of(userId), RemovalReason.ACCOUNT_DELETED, batchId, true, actor));
        }
        accounts.markDeleting(userId);
        List<UUID> removedFrom = new ArrayList<>();
        try {
            removeFrom(organizations, userId, batchId, actor, removedFrom);
            deleteUser(userId, actor);
        } catch (RuntimeException e) {
            accounts.unmarkDeleting(userId);
            throw e;
        }
        Set<UUID> lateJoins = new LinkedHashSet<>(memberships.organizationsOf(userId));
        lateJoins.removeAll(organizations);
        removeFrom(lateJoins, userId, batchId, actor, removedFrom);
        accounts.remove(userId);
        return removedFrom;
    }

    private void deleteUser(UUID userId, Actor actor) {
        try {
            commands.sendAndWait(new DeleteUserCommand(userId, actor));
        } catch (ApiProblem e) {
            if (e.problemCode() != ProblemCode.NOT_FOUND) {
                throw e;
            }
            // deleted by an earlier attempt that stopped before removing the account: finish that one
        }
    }

    private void removeFrom(Set<UUID> organizations, UUID userId, UUID batchId, Actor actor, List<UUID> removedFrom) {
        for (UUID organizationId : organizations) {
            MemberRemoval removal = commands.sendAndWait(new RemoveMembersCommand(organizationId, List.of(userId), RemovalReason.ACCOUNT_DELETED,
                    batchId, false, actor));
            if (!removal.removed().isEmpty()) {
                removedFrom.add(organizationId);
            }
        }
    }
}
