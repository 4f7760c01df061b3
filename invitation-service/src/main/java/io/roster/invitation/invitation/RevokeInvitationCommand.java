package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Withdraw a pending invitation. */
record RevokeInvitationCommand(@TargetAggregateIdentifier UUID invitationId, UUID organizationId, UUID actorId) {
}
