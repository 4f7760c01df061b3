package io.roster.invitation.link;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Change a link's settings; a null field stays as it is. */
record UpdateInvitationLinkCommand(@TargetAggregateIdentifier UUID linkId, UUID organizationId, UUID actorId, String name,
                                   String description, List<String> emails, Instant expiresAt, Integer quota,
                                   List<String> roles, List<UUID> teamIds) {
}
