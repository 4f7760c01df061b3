package io.roster.identity.account;

import io.roster.events.identity.PasswordChangeMethod;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * The password in {@link Accounts} was just set or replaced: the user says so with {@code PasswordChanged} (older
 * sessions end). A set-up or reset link was mailed to the address, so using one also proves the address; a reset
 * of an address never proven is recorded as its owner's claim. Answers the method recorded.
 */
public record RecordPasswordChangeCommand(@TargetAggregateIdentifier UUID userId, PasswordChangeMethod method, UUID actorId) {
}
