package io.roster.identity.account;

import java.util.List;
import java.util.UUID;

/** What login needs of a user: kept outside the event store, which never sees a password or its hash. */
public record Account(UUID userId, String email, String passwordHash, List<String> providerRoles) {
}
