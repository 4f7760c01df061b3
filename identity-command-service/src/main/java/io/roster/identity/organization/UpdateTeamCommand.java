package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * Changes a team's name and/or description: a null field stays as it is, an empty description clears it.
 */
public record UpdateTeamCommand(@TargetAggregateIdentifier UUID organizationId, UUID teamId, String name,
                                String description, Actor actor) {
}
