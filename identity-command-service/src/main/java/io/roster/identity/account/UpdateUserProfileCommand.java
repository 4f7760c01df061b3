package io.roster.identity.account;

import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Changes a user's name; a null part stays as it is. Answers the resulting {@link Profile}. */
public record UpdateUserProfileCommand(@TargetAggregateIdentifier UUID userId, String firstName, String lastName, Actor actor) {

    /** A user's name after the change. */
    public record Profile(UUID userId, String firstName, String lastName) {
    }
}
