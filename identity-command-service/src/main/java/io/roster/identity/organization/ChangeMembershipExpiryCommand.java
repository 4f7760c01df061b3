package io.roster.identity.organization;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** Gives a member's membership this end date, or none ({@code expiresAt} null). */
public record ChangeMembershipExpiryCommand(@TargetAggregateIdentifier UUID organizationId, UUID userId, Instant expiresAt,
                                            Actor actor) {
}
