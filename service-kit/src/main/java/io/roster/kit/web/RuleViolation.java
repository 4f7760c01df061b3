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

    /**
     * {@code not_found} for an id the caller may not know of (an organization they do not belong to), worded exactly as
     * the command path answers an id that names nothing ({@link ApiProblem#nothingWithId}): the answer does not tell an
     * existing target from one that does not exist.
     */
    public static RuleViolation nothingWithId(Object id) {
        return new RuleViolation(ProblemCode.NOT_FOUND, ApiProblem.nothingWithIdDetail(id));
    }

    /** The wire code, e.g. {@code last_admin}. */
    public String code() {
        return code.code();
    }

    public ProblemCode problemCode() {
        return code;
    }
}
