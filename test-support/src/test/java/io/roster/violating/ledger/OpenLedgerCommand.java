package io.roster.violating.ledger;

import io.roster.violating.audit.AuditTrail;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A command (by its name) that carries a type of another feature package. */
public record OpenLedgerCommand(@TargetAggregateIdentifier UUID ledgerId, AuditTrail trail) {
}
