package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Gives an organization a new name. */
public record RenameOrganizationCommand(@TargetAggregateIdentifier UUID organizationId, String name, Actor actor) {
}
