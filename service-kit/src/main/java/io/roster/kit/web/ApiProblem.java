package io.roster.kit.web;

import io.roster.events.ProblemCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

import java.util.List;

/**
 * A refusal the caller can act on, answered as RFC 9457 problem+json with a stable machine {@code code}
 * (PRODUCT.md §2) and the HTTP status that code always has ({@link ProblemCode}). Throw it from anywhere in a
 * request; {@link ProblemWebExceptionHandler} writes it.
 */
public class ApiProblem extends RuntimeException implements ErrorResponse {

    private final ProblemCode code;
    private final List<FieldProblem> errors;

    public ApiProblem(ProblemCode code, String detail) {
        this(code, detail, List.of());
    }

    public ApiProblem(ProblemCode code, String detail, List<FieldProblem> errors) {
        super(detail, null, false, false);
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public HttpStatus status() {
        return HttpStatus.valueOf(code.status());
    }

    /** Spring's view of the same answer (what {@link ProblemWriter} writes is the whole of it). */
    @Override
    public HttpStatusCode getStatusCode() {
        return status();
    }

    @Override
    public ProblemDetail getBody() {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status(), getMessage());
        body.setProperty("code", code());
        return body;
    }

    /** The wire code, e.g. {@code validation_failed}. */
    public String code() {
        return code.code();
    }

    public ProblemCode problemCode() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    /** Whole seconds the client should wait before it tries again ({@code Retry-After}); 0 when the answer does not say. */
    public long retryAfterSeconds() {
        return 0;
    }

    public static ApiProblem validation(List<FieldProblem> errors) {
        return new ApiProblem(ProblemCode.VALIDATION_FAILED, "The request has invalid fields.", errors);
    }

    /** {@code validation_failed} naming one field. */
    public static ApiProblem invalidField(String field, String message) {
        return validation(List.of(new FieldProblem(field, message)));
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(ProblemCode.NOT_FOUND, detail);
    }

    /**
     * {@code not_found} for an id that names nothing here, or nothing the caller may know of: both read the same, so
     * that the answer does not tell which (see {@link RuleViolation#nothingWithId}).
     */
    public static ApiProblem nothingWithId(Object id) {
        return notFound(nothingWithIdDetail(id));
    }

    static String nothingWithIdDetail(Object id) {
        return "There is nothing with the id " + id + " here.";
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(ProblemCode.FORBIDDEN, detail);
    }

    public static ApiProblem malformed(String detail) {
        return new ApiProblem(ProblemCode.MALFORMED_REQUEST, detail);
    }

    /** One bad field of a request. */
    public record FieldProblem(String field, String message) {
    }
}
