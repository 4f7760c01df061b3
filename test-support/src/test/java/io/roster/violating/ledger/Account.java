package io.roster.violating.ledger;

import org.axonframework.eventsourcing.EventSourcingHandler;
import org.springframework.http.HttpStatus;

/** An aggregate known only by its event-sourcing handler, that uses HTTP. */
class Account {

    private HttpStatus lastAnswer;

    @EventSourcingHandler
    void on(String event) {
        lastAnswer = HttpStatus.OK;
    }
}
