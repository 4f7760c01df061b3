package io.roster.violating.ledger;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.bson.Document;

import java.util.UUID;

/** A command known only by its {@code @TargetAggregateIdentifier}, that carries a MongoDB document. */
public record CloseLedger(@TargetAggregateIdentifier UUID ledgerId, Document reason) {
}
