package io.roster.identity.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Asks, changing nothing, whether the user's address was ever proven (verified). */
public record CheckAddressProvenCommand(@TargetAggregateIdentifier UUID userId) {
}
