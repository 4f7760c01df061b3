package io.roster.identity.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A member ends their own membership. */
public record LeaveOrganizationCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId) {
}
