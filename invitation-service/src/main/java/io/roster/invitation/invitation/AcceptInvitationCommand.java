package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** The caller (userId, with the address of their token) accepts through the token whose hash is given. */
record AcceptInvitationCommand(@TargetAggregateIdentifier UUID invitationId, String tokenHash, UUID userId, String email) {
}
