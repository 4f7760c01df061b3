package io.roster.identity.account;

import io.roster.events.identity.VerificationMethod;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** The user proved they own their address. */
public record VerifyEmailCommand(@TargetAggregateIdentifier UUID userId, VerificationMethod method, UUID actorId) {
}
