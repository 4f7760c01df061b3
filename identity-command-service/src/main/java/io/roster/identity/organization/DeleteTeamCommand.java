package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Deletes a team; its members lose it first, each by a MemberTeamsChanged. */
public record DeleteTeamCommand(@TargetAggregateIdentifier UUID organizationId, UUID teamId, Actor actor) {
}
