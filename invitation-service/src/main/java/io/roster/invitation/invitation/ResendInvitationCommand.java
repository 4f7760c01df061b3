package io.roster.invitation.invitation;

import io.roster.events.EncryptedSecret;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Send the invitation again with a new token (the old one dies) and its original validity from now. */
record ResendInvitationCommand(@TargetAggregateIdentifier UUID invitationId, UUID organizationId, UUID actorId,
                               String tokenHash, EncryptedSecret token) {
}
