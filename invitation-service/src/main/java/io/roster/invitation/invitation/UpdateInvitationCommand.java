package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Edit a pending invitation; a null field stays as it is. Roles and teams were checked against the organization. */
record UpdateInvitationCommand(@TargetAggregateIdentifier UUID invitationId, UUID organizationId, UUID actorId,
                               List<String> roles, List<UUID> teamIds, Instant expiresAt) {
}
