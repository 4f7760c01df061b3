package io.roster.identity.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Ends the membership if its end date has come (sent by {@link MembershipExpiry}). */
public record ExpireMembershipCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId) {
}
