package io.roster.invitation.invitation;

import java.util.Locale;

/** Where a personal invitation stands; {@link #json()} is how the API and the lookup spell it. */
enum InvitationStatus {
    PENDING, ACCEPTED, REVOKED, EXPIRED, DECLINED;

    String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
