package io.roster.identity.account;

import java.util.List;
import java.util.UUID;

/** What login needs of a user: kept outside the event store, which never sees a password or its hash. */
public record Account(UUID userId, String email, String passwordHash, List<String> providerRoles) {

    /** Emails are compared after trimming and lower-casing. */
    public static String normalize(String email) {
        return email == null ? null : email.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
