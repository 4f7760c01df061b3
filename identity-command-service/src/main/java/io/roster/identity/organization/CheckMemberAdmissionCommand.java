package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/**
 * Asks whether the actor may add a member with these roles and teams, changing nothing: the rules of
 * {@link AddMemberCommand} that do not depend on the user. Creating a user with memberships asks every
 * organization first, so that a refusal does not leave a half-made account behind.
 */
public record CheckMemberAdmissionCommand(@TargetAggregateIdentifier UUID organizationId, List<String> roles,
                                          List<UUID> teamIds, Actor actor) {
}
