package io.roster.violating.ledger;

import io.roster.violating.audit.AuditTrail;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.springframework.util.Assert;

import java.util.UUID;

/** An aggregate that uses Spring and another feature package of its service. */
@Aggregate
public class Ledger {

    @AggregateIdentifier
    private UUID ledgerId;

    @CommandHandler
    Ledger(OpenLedgerCommand command) {
        Assert.notNull(command.ledgerId(), "ledger id");
        AuditTrail.record("opened " + command.ledgerId());
        this.ledgerId = command.ledgerId();
    }
}
