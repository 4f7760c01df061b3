package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Edit a pending invitation; a null field stays as it is. Roles and teams were checked against the organization.
 * {@code membershipExpiresAt} and {@code membershipDays} are merge-patch fields: null leaves them, an empty Optional
 * removes them, a value sets it and removes the other (an invitation has one kind of terms or none).
 */
record UpdateInvitationCommand(@TargetAggregateIdentifier UUID invitationId, UUID organizationId, UUID actorId,
                               List<String> roles, List<UUID> teamIds, Instant expiresAt,
                               Optional<Instant> membershipExpiresAt, Optional<Integer> membershipDays) {

    /** An edit that leaves the membership terms as they are. */
    UpdateInvitationCommand(UUID invitationId, UUID organizationId, UUID actorId, List<String> roles, List<UUID> teamIds,
                            Instant expiresAt) {
        this(invitationId, organizationId, actorId, roles, teamIds, expiresAt, null, null);
    }
}
