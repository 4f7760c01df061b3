package io.roster.invitation.link;

import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.MembershipTerms;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Create a reusable link; emails are normalized addresses and {@code *@domain} patterns (empty = public);
 * {@code membership} how long the memberships of those who join through it last.
 */
record CreateInvitationLinkCommand(@TargetAggregateIdentifier UUID linkId, UUID organizationId, UUID actorId, String name,
                                   String description, List<String> emails, Instant expiresAt, Integer quota,
                                   List<String> roles, List<UUID> teamIds, String tokenHash, EncryptedSecret token,
                                   MembershipTerms membership) {

    /** A link whose members' memberships have no end. */
    CreateInvitationLinkCommand(UUID linkId, UUID organizationId, UUID actorId, String name, String description,
                                List<String> emails, Instant expiresAt, Integer quota, List<String> roles,
                                List<UUID> teamIds, String tokenHash, EncryptedSecret token) {
        this(linkId, organizationId, actorId, name, description, emails, expiresAt, quota, roles, teamIds, tokenHash, token,
                MembershipTerms.NONE);
    }
}
