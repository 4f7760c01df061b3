package io.roster.kit.web;

import org.springframework.http.HttpStatus;

import java.util.List;

/**
 * A refusal the caller can act on, answered as RFC 9457 problem+json with a stable machine {@code code}
 * (PRODUCT.md §2). Throw it from anywhere in a request; {@link ProblemWebExceptionHandler} writes it.
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final List<FieldProblem> errors;

    public ApiProblem(HttpStatus status, String code, String detail) {
        this(status, code, detail, List.of());
    }

    public ApiProblem(HttpStatus status, String code, String detail, List<FieldProblem> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    public static ApiProblem validation(List<FieldProblem> errors) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, ProblemCodes.VALIDATION_FAILED,
                "The request has invalid fields.", errors);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, ProblemCodes.NOT_FOUND, detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, ProblemCodes.FORBIDDEN, detail);
    }

    public static ApiProblem malformed(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, ProblemCodes.MALFORMED_REQUEST, detail);
    }

    /** One bad field of a request. */
    public record FieldProblem(String field, String message) {
    }
}
