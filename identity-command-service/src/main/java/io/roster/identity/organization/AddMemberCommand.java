package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/** Makes an existing user a member with these roles and teams (an admin adding them directly). */
public record AddMemberCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId, List<String> roles,
                               List<UUID> teamIds, Actor actor) {
}
