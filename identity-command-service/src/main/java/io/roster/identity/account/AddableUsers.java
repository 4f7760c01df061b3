package io.roster.identity.account;

import io.roster.identity.organization.UserDirectory;
import io.roster.kit.command.Commands;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The users an organization can add ({@link UserDirectory}), from {@link Accounts}. By address, an account whose
 * address is only {@linkplain AddressTrust#CLAIMED claimed} is not found: whoever signed up with an address that is not
 * theirs would otherwise be added, and read the organization's invitations, in the owner's place (PRODUCT.md §3a). The
 * owner gets it back by proving the mailbox (a reset or take-back link); the account is found from then on.
 */
@Component
class AddableUsers implements UserDirectory {

    private final Accounts accounts;
    private final Commands commands;

    AddableUsers(Accounts accounts, Commands commands) {
        this.accounts = accounts;
        this.commands = commands;
    }

    @Override
    public Optional<UUID> addableUserIdByEmail(String email) {
        return accounts.findByEmail(email).map(Account::userId)
                // the User aggregate knows who chose the password and whether the address was proven since
                .filter(userId -> commands.<AddressTrust>sendAndWait(new CheckAddressTrustCommand(userId)) != AddressTrust.CLAIMED);
    }

    @Override
    public boolean isActiveUser(UUID userId) {
        return accounts.isActiveUser(userId);
    }

    @Override
    public Set<UUID> activeUsers(Collection<UUID> userIds) {
        return accounts.activeUsers(userIds);
    }
}
