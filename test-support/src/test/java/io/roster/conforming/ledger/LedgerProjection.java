package io.roster.conforming.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A projection fed by events alone. */
class LedgerProjection {

    private final Map<UUID, Long> balances = new HashMap<>();

    void apply(UUID ledgerId, long amount) {
        balances.merge(ledgerId, amount, Long::sum);
    }
}
