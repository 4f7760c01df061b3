package io.roster.identity.account;

import io.roster.events.EncryptedSecret;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** A user created without a password gets an email to set one; the token travels sealed. */
public record RequestAccountSetupCommand(@TargetAggregateIdentifier UUID userId, UUID organizationId, UUID actorId,
                                         EncryptedSecret setupToken, Instant expiresAt) {
}
