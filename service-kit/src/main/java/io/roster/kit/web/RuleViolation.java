package io.roster.kit.web;

import io.roster.events.ProblemCode;

/**
 * A business rule refused a command (PRODUCT.md §3): thrown by aggregates and handlers, which know the rule's
 * {@link ProblemCode} (and so its HTTP status) but not HTTP.
 */
public class RuleViolation extends RuntimeException {

    private final ProblemCode code;

    public RuleViolation(ProblemCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    /** The wire code, e.g. {@code last_admin}. */
    public String code() {
        return code.code();
    }

    public ProblemCode problemCode() {
        return code;
    }
}
