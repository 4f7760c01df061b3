package io.roster.identity.organization;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The users that can be added to an organization: existing, fully registered, not being deleted. */
public interface UserDirectory {

    /**
     * The user an admin adds by this address, if any. An account that holds the address without anyone having shown
     * it is theirs (an unproven self-sign-up, PRODUCT.md §3a) is not found here, exactly as an unknown address is not.
     */
    Optional<UUID> addableUserIdByEmail(String email);

    boolean isActiveUser(UUID userId);

    /** Which of these users {@linkplain #isActiveUser are active}, in one lookup. */
    Set<UUID> activeUsers(Collection<UUID> userIds);
}
