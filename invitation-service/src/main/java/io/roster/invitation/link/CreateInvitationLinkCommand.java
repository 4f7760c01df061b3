package io.roster.invitation.link;

import io.roster.events.EncryptedSecret;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Create a reusable link; emails are normalized addresses and {@code *@domain} patterns (empty = public). */
record CreateInvitationLinkCommand(@TargetAggregateIdentifier UUID linkId, UUID organizationId, UUID actorId, String name,
                                   String description, List<String> emails, Instant expiresAt, Integer quota,
                                   List<String> roles, List<UUID> teamIds, String tokenHash, EncryptedSecret token) {
}
