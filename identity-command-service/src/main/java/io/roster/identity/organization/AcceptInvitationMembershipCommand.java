package io.roster.identity.organization;

import io.roster.events.identity.JoinPath;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Makes a user a member because they accepted an invitation or used an invitation link (an
 * {@code InvitationAccepted} / {@code InvitationLinkUsed} event of the invitation service, not an HTTP
 * caller): the invitation service already checked that its admin may invite, so no admin caller is
 * required here; the accepting user is the actor. Every other rule holds, except that teams the
 * organization no longer has are dropped rather than refusing the join. Answers whether the user was
 * added ({@code false}: already a member, a redelivered event). {@code membershipExpiresAt} is the end date the
 * invitation or link gives the membership (null: none); an admin joins without one if no admin without one would
 * remain otherwise.
 */
public record AcceptInvitationMembershipCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId,
                                                List<String> roles, List<UUID> teamIds, JoinPath via,
                                                UUID invitationId, Instant membershipExpiresAt) {

    /** A membership without an end date. */
    public AcceptInvitationMembershipCommand(UUID organizationId, UUID userId, List<String> roles, List<UUID> teamIds,
                                             JoinPath via, UUID invitationId) {
        this(organizationId, userId, roles, teamIds, via, invitationId, null);
    }

    public AcceptInvitationMembershipCommand {
        if (via != JoinPath.INVITATION && via != JoinPath.LINK) {
            throw new IllegalArgumentException("An accepted invitation joins by invitation or link, not " + via);
        }
    }
}
