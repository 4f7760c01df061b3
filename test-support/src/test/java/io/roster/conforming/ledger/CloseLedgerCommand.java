package io.roster.conforming.ledger;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

record CloseLedgerCommand(@TargetAggregateIdentifier UUID ledgerId) {
}
