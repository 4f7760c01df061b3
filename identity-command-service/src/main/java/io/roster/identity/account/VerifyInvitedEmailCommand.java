package io.roster.identity.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * The user accepted a personal invitation sent to {@code email}: that proves the address when it is the
 * user's own (compared normalized); otherwise, or when it is already verified, nothing changes.
 */
public record VerifyInvitedEmailCommand(@TargetAggregateIdentifier UUID userId, String email, UUID actorId) {
}
