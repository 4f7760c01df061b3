package io.roster.invitation.link;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Enable or disable a link. */
record SetInvitationLinkStatusCommand(@TargetAggregateIdentifier UUID linkId, UUID organizationId, UUID actorId, boolean enabled) {
}
