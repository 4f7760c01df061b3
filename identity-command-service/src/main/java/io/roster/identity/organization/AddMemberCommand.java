package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Makes an existing user a member with these roles and teams (an admin adding them directly), until {@code expiresAt}
 * (null: no end date).
 */
public record AddMemberCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId, List<String> roles,
                               List<UUID> teamIds, Instant expiresAt, Actor actor) {

    /** A membership without an end date. */
    public AddMemberCommand(UUID organizationId, UUID userId, List<String> roles, List<UUID> teamIds, Actor actor) {
        this(organizationId, userId, roles, teamIds, null, actor);
    }
}
