package io.roster.identity.account;

import io.roster.events.EmailAddress;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.RemovalReason;
import io.roster.identity.access.Actor;
import io.roster.identity.config.IdentityProperties;
import io.roster.identity.membership.SingleOrganizationPolicy;
import io.roster.identity.organization.AddMemberCommand;
import io.roster.identity.organization.CheckMemberAdmissionCommand;
import io.roster.identity.organization.RemoveMembersCommand;
import io.roster.kit.command.Commands;
import io.roster.kit.web.ApiProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An admin creates a user (PRODUCT.md §4 {@code POST /api/v1/users}), in an order that never leaves half a
 * user behind when a rule refuses:
 * <ol>
 *   <li>the caller's rights: provider roles only from a provider admin, a user outside any organization
 *       only by a provider admin, and each organization is asked (a check command that changes nothing)
 *       whether the caller may add a member with those roles and teams;</li>
 *   <li>the address is claimed in {@link Accounts} (unique index: {@code email_taken});</li>
 *   <li>the User is registered together with its account-setup link (no password) or verification link, in one
 *       append;</li>
 *   <li>the memberships are added. Should one be refused now (the caller was demoted in between), the user
 *       is taken out of the organizations it joined, deleted, and the address released.</li>
 * </ol>
 */
@Component
class UserCreation {

    private static final Logger log = LoggerFactory.getLogger(UserCreation.class);

    private final Commands commands;
    private final Accounts accounts;
    private final AccountTokens tokens;
    private final PasswordEncoder passwords;
    private final TokenSeal tokenSeal;
    private final SingleOrganizationPolicy singleOrganization;
    private final IdentityProperties properties;

    UserCreation(Commands commands, Accounts accounts, AccountTokens tokens, PasswordEncoder passwords, TokenSeal tokenSeal,
                 SingleOrganizationPolicy singleOrganization, IdentityProperties properties) {
        this.commands = commands;
        this.accounts = accounts;
        this.tokens = tokens;
        this.passwords = passwords;
        this.tokenSeal = tokenSeal;
        this.singleOrganization = singleOrganization;
        this.properties = properties;
    }

    /** A user to create. */
    record NewUser(String firstName, String lastName, String email, String password, List<String> providerRoles,
                   List<Membership> memberships) {
    }

    /** A membership the new user starts with, until {@code expiresAt} (null: no end). */
    record Membership(UUID organizationId, List<String> roles, List<UUID> teamIds, Instant expiresAt) {
    }

    UUID create(NewUser user, Actor actor) {
        if (!user.providerRoles().isEmpty() && !actor.providerAdmin()) {
            throw ApiProblem.forbidden("Only a provider admin may grant provider roles.");
        }
        if (user.memberships().isEmpty() && !actor.providerAdmin()) {
            throw ApiProblem.forbidden("Only a provider admin may create a user outside an organization; name the organization in memberships.");
        }
        for (Membership membership : user.memberships()) {
            commands.sendAndWait(new CheckMemberAdmissionCommand(membership.organizationId(), membership.roles(), membership.teamIds(), actor));
        }
        // PRODUCT.md §3a: only the mailbox owner chooses the password (through the set-up link); a provider admin may set one
        if (user.password() != null && !actor.providerAdmin()) {
            throw ApiProblem.forbidden("Only a provider admin may set a password; leave password out and the user sets it through the set-up email.");
        }

        UUID userId = UUID.randomUUID();
        String email = EmailAddress.normalize(user.email());
        accounts.claim(new Account(userId, email, user.password() == null ? null : passwords.encode(user.password()),
                List.copyOf(user.providerRoles())));
        try {
            commands.sendAndWait(new RegisterUserCommand(userId, email, user.firstName().strip(), user.lastName().strip(),
                    RegistrationSource.ADMIN, false, List.copyOf(user.providerRoles()), actor.userId(), null,
                    firstEmail(userId, user)));
        } catch (RuntimeException e) {
            accounts.release(userId);
            throw e;
        }
        // the account was confirmed as the registration was stored (AccountConfirmations)

        List<UUID> joined = new ArrayList<>();
        for (Membership membership : user.memberships()) {
            SingleOrganizationPolicy.Admission admission = singleOrganization.admit(userId, membership.organizationId());
            try {
                commands.sendAndWait(new AddMemberCommand(membership.organizationId(), userId, membership.roles(), membership.teamIds(),
                        membership.expiresAt(), actor));
                joined.add(membership.organizationId());
            } catch (RuntimeException e) {
                admission.release();
                undo(userId, joined, actor, e);
                throw e;
            }
        }
        return userId;
    }

    /** Without a password, the link to set one; with one (a provider admin's), the link that proves the address. */
    private RegisterUserCommand.FirstEmail firstEmail(UUID userId, NewUser user) {
        if (user.password() == null) {
            UUID firstOrganization = user.memberships().isEmpty() ? null : user.memberships().get(0).organizationId();
            AccountTokens.Issued setup = tokens.issue(userId, AccountTokens.Purpose.SETUP, properties.accountSetupTokenTtl());
            return RegisterUserCommand.FirstEmail.accountSetup(firstOrganization, tokenSeal.seal(setup.token()), setup.expiresAt());
        }
        AccountTokens.Issued verification = tokens.issue(userId, AccountTokens.Purpose.VERIFICATION, properties.verificationTokenTtl());
        return RegisterUserCommand.FirstEmail.emailVerification(tokenSeal.seal(verification.token()), verification.expiresAt());
    }

    /** Takes back a user whose memberships could not all be added. */
    private void undo(UUID userId, List<UUID> joined, Actor actor, RuntimeException cause) {
        log.warn("Creating user {} failed after registration ({}); removing it again", userId, cause.getMessage());
        // the creator's own rights may be what just changed: the undo, in the creator's name, acts with the system's
        Actor system = new Actor(actor.userId(), true);
        UUID batchId = UUID.randomUUID();
        for (UUID organizationId : joined) {
            commands.sendAndWait(new RemoveMembersCommand(organizationId, List.of(userId), RemovalReason.ACCOUNT_DELETED, batchId, false, system));
        }
        commands.sendAndWait(new DeleteUserCommand(userId, system));
        accounts.remove(userId);
    }
}
