package io.roster.identity.account;

import io.roster.events.identity.RegistrationSource;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/**
 * Creates a user account; the credentials are stored beside, never in the events. {@code invitationTokenHash} is
 * the hash of the invitation token of a sign-up, which the invitation service then accepts; null otherwise.
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
        String invitationTokenHash) {

    public RegisterUserCommand(UUID userId, String email, String firstName, String lastName, RegistrationSource source,
                               boolean emailVerified, List<String> providerRoles, UUID actorId) {
        this(userId, email, firstName, lastName, source, emailVerified, providerRoles, actorId, null);
    }
}
