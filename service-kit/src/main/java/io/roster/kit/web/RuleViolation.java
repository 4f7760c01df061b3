package io.roster.kit.web;

/**
 * A business rule refused a command (PRODUCT.md §3): thrown by aggregates and handlers, which know the
 * rule's code but not HTTP. {@link ProblemCodes#statusOf(String)} gives the HTTP status.
 */
public class RuleViolation extends RuntimeException {

    private final String code;

    public RuleViolation(String code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
