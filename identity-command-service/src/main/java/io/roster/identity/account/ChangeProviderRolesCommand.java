package io.roster.identity.account;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/** Sets a user's provider roles (provider admins only); the last provider admin is guarded by {@link ProviderRoleChanges}. */
public record ChangeProviderRolesCommand(@TargetAggregateIdentifier UUID userId, List<String> providerRoles, Actor actor) {
}
