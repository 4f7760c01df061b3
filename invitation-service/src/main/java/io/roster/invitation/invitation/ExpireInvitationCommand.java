package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Record that a pending invitation passed its expiry; refused when it is not pending or not yet due. */
record ExpireInvitationCommand(@TargetAggregateIdentifier UUID invitationId) {
}
