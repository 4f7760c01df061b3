package io.roster.identity.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Asks, changing nothing, how far the user's address is known to be theirs; the answer is an {@link AddressTrust}. */
public record CheckAddressTrustCommand(@TargetAggregateIdentifier UUID userId) {
}
