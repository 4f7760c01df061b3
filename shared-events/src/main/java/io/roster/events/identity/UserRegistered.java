package io.roster.events.identity;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A user account exists. Never carries a password or its hash.
 *
 * <p>Revision 2 added {@code invitationTokenHash}: the SHA-256 (hex) of the invitation or link token the user signed
 * up with, or null. The invitation service reads it to accept that invitation as part of the sign-up (PRODUCT.md §4
 * "Accepting"); the raw token is never in the event. Revision-1 records read with it null
 * ({@link UserRegisteredUpcasters}).
 */
@Revision(2)
public record UserRegistered(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID userId,
        String email,
        String firstName,
        String lastName,
        RegistrationSource source,
        boolean emailVerified,
        String invitationTokenHash) implements IdentityEvent {

    /** A registration without an invitation token (admin, bootstrap, open sign-up). */
    public UserRegistered(UUID eventId, Instant occurredAt, UUID organizationId, UUID actorId, UUID userId, String email,
                          String firstName, String lastName, RegistrationSource source, boolean emailVerified) {
        this(eventId, occurredAt, organizationId, actorId, userId, email, firstName, lastName, source, emailVerified, null);
    }

    @Override
    public UUID aggregateId() {
        return userId;
    }
}
