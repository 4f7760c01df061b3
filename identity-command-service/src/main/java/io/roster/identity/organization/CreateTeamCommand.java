package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Creates a team; its name is unique in the organization, compared without case. */
public record CreateTeamCommand(@TargetAggregateIdentifier UUID organizationId, UUID teamId, String name,
                                String description, Actor actor) {
}
