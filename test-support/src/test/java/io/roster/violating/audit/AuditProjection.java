package io.roster.violating.audit;

import io.roster.violating.ledger.LedgerProjection;
import org.springframework.web.server.ServerWebExchange;

/** A projection that reads the request and calls another projection. */
public class AuditProjection {

    private final LedgerProjection ledger = new LedgerProjection();

    void apply(String event, ServerWebExchange exchange) {
        ledger.balance();
    }
}
