package io.roster.invitation.link;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Change a link's settings as a JSON merge patch (RFC 7396) does: a null field stays as it is. {@code expiresAt} and
 * {@code quota} have a third state, as in the request: null leaves them, an empty Optional removes them (the link
 * never expires, or has no quota). So have {@code membershipExpiresAt} and {@code membershipDays}, where a value for
 * one also removes the other.
 */
record UpdateInvitationLinkCommand(@TargetAggregateIdentifier UUID linkId, UUID organizationId, UUID actorId, String name,
                                   String description, List<String> emails, Optional<Instant> expiresAt,
                                   Optional<Integer> quota, List<String> roles, List<UUID> teamIds,
                                   Optional<Instant> membershipExpiresAt, Optional<Integer> membershipDays) {

    /** An edit that leaves the membership terms as they are. */
    UpdateInvitationLinkCommand(UUID linkId, UUID organizationId, UUID actorId, String name, String description,
                                List<String> emails, Optional<Instant> expiresAt, Optional<Integer> quota,
                                List<String> roles, List<UUID> teamIds) {
        this(linkId, organizationId, actorId, name, description, emails, expiresAt, quota, roles, teamIds, null, null);
    }
}
