package io.roster.invitation.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.MembershipTerms;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Invite one (normalized) address; the token is given only as its hash and sealed for the notification service.
 * {@code bulkJobId} is the bulk CSV job the row came from, or null for a personal invitation; {@code membership} how
 * long the membership of the invitee will last.
 */
record IssueInvitationCommand(@TargetAggregateIdentifier UUID invitationId, UUID organizationId, UUID actorId,
                              String email, String firstName, String lastName, List<String> roles, List<UUID> teamIds,
                              Instant expiresAt, String tokenHash, EncryptedSecret token, UUID bulkJobId,
                              MembershipTerms membership) {

    IssueInvitationCommand(UUID invitationId, UUID organizationId, UUID actorId, String email, String firstName,
                           String lastName, List<String> roles, List<UUID> teamIds, Instant expiresAt, String tokenHash,
                           EncryptedSecret token, UUID bulkJobId) {
        this(invitationId, organizationId, actorId, email, firstName, lastName, roles, teamIds, expiresAt, tokenHash,
                token, bulkJobId, MembershipTerms.NONE);
    }

    IssueInvitationCommand(UUID invitationId, UUID organizationId, UUID actorId, String email, String firstName,
                           String lastName, List<String> roles, List<UUID> teamIds, Instant expiresAt, String tokenHash,
                           EncryptedSecret token) {
        this(invitationId, organizationId, actorId, email, firstName, lastName, roles, teamIds, expiresAt, tokenHash,
                token, null);
    }
}
