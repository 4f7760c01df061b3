package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/** Puts a member in exactly these teams. */
public record SetMemberTeamsCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId, List<UUID> teamIds,
                                    Actor actor) {
}
