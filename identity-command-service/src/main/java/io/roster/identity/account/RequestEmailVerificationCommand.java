package io.roster.identity.account;

import io.roster.events.EncryptedSecret;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** Sends (again) the link that proves the user owns their address. */
public record RequestEmailVerificationCommand(@TargetAggregateIdentifier UUID userId, UUID actorId,
                                              EncryptedSecret verificationToken, Instant expiresAt) {
}
