package io.roster.identity.account;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Deletes an account (provider admins only, never one's own); its memberships are removed before. */
public record DeleteUserCommand(@TargetAggregateIdentifier UUID userId, Actor actor) {
}
