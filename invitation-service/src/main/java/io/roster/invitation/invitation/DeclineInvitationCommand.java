package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** The invitee declines, proving it with the hash of the link's token. */
record DeclineInvitationCommand(@TargetAggregateIdentifier UUID invitationId, String tokenHash) {
}
