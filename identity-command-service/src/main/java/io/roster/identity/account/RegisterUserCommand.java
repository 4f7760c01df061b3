package io.roster.identity.account;

import io.roster.events.EncryptedSecret;
import io.roster.events.identity.RegistrationSource;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Creates a user account; the credentials are stored beside, never in the events. {@code invitationTokenHash} is
 * the hash of the invitation token of a sign-up, which the invitation service then accepts; null otherwise.
 * {@code firstEmail} is the link the new account is sent at once (account set-up or address verification), null for
 * none: it is requested in the same append as the registration, so no crash or timeout between two commands can
 * leave a registered user whose link was never asked for.
 */
public record RegisterUserCommand(
        @TargetAggregateIdentifier UUID userId,
        String email,
        String firstName,
        String lastName,
        RegistrationSource source,
        boolean emailVerified,
        List<String> providerRoles,
        UUID actorId,
        String invitationTokenHash,
        FirstEmail firstEmail) {

    public RegisterUserCommand(UUID userId, String email, String firstName, String lastName, RegistrationSource source,
                               boolean emailVerified, List<String> providerRoles, UUID actorId) {
        this(userId, email, firstName, lastName, source, emailVerified, providerRoles, actorId, null, null);
    }

    /** The first link of a new account: {@code organizationId} is the organization that created it (set-up only). */
    public record FirstEmail(Kind kind, UUID organizationId, EncryptedSecret token, Instant expiresAt) {

        /** Which link. */
        public enum Kind { ACCOUNT_SETUP, EMAIL_VERIFICATION }

        static FirstEmail accountSetup(UUID organizationId, EncryptedSecret token, Instant expiresAt) {
            return new FirstEmail(Kind.ACCOUNT_SETUP, organizationId, token, expiresAt);
        }

        static FirstEmail emailVerification(EncryptedSecret token, Instant expiresAt) {
            return new FirstEmail(Kind.EMAIL_VERIFICATION, null, token, expiresAt);
        }
    }
}
