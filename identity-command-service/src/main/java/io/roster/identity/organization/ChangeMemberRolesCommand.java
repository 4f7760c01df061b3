package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/** Gives a member exactly these roles. */
public record ChangeMemberRolesCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId, List<String> roles,
                                       Actor actor) {
}
