package io.roster.kit.web;

import io.roster.events.ProblemCode;

/**
 * A business rule refused a command (PRODUCT.md §3): thrown by aggregates and handlers, which know the rule's
 * {@link ProblemCode} (and so its HTTP status) but not HTTP.
 */
public class RuleViolation extends RuntimeException {

    private final ProblemCode code;
    /** The request field the refusal is about, or null when it is about no one field. */
    private final String field;

    public RuleViolation(ProblemCode code, String detail) {
        this(code, detail, null);
    }

    private RuleViolation(ProblemCode code, String detail, String field) {
        super(detail, null, false, false);
        this.code = code;
        this.field = field;
    }

    /**
     * {@code validation_failed} naming the request field whose value a rule refused (a field of the request, as the
     * caller sent it), answered like a refused field format: {@code errors: [{field, message}]}.
     */
    public static RuleViolation invalidField(String field, String message) {
        return new RuleViolation(ProblemCode.VALIDATION_FAILED, message, field);
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

    /** The request field a refusal of one field's value names, or null. */
    public String field() {
        return field;
    }

    /** The answer to the caller. */
    ApiProblem toProblem() {
        return field == null ? new ApiProblem(code, getMessage()) : ApiProblem.invalidField(field, getMessage());
    }
}
