package io.roster.identity.organization;

import java.util.Optional;
import java.util.UUID;

/** The users that can be added to an organization: existing, fully registered, not being deleted. */
public interface UserDirectory {

    Optional<UUID> activeUserIdByEmail(String email);

    boolean isActiveUser(UUID userId);
}
