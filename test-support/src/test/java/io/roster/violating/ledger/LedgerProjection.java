package io.roster.violating.ledger;

/** A projection other projections must not call. */
public class LedgerProjection {

    public long balance() {
        return 0;
    }
}
