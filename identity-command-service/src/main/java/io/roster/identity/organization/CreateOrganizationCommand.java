package io.roster.identity.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Creates an organization whose creator becomes its first admin. */
record CreateOrganizationCommand(@TargetAggregateIdentifier UUID organizationId, String name, UUID creatorId) {
}
