package io.roster.invitation.link;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * The caller joins through the link whose token hash is given; emailVerified and alreadyMember come from the
 * identity directory.
 */
record UseInvitationLinkCommand(@TargetAggregateIdentifier UUID linkId, String tokenHash, UUID userId, String email,
                                boolean emailVerified, boolean alreadyMember) {
}
