package io.roster.conforming.ledger;

import io.roster.events.identity.UserDeleted;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** An aggregate that uses only the JDK, shared-events, Axon's modelling API and its own package. */
@Aggregate
class Ledger {

    @AggregateIdentifier
    private UUID ledgerId;
    private final List<Entry> entries = new ArrayList<>();

    @CommandHandler
    void handle(CloseLedgerCommand command) {
        if (entries.isEmpty()) {
            AggregateLifecycle.markDeleted();
        }
    }

    @EventSourcingHandler
    void on(UserDeleted event) {
        ledgerId = event.userId();
    }

    record Entry(UUID id, long amount) {
    }
}
