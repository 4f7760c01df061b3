package io.roster.kit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.roster.events.ProblemCode;
import io.roster.kit.failure.InfrastructureFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.reactive.HandlerMapping;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Turns every failure of a request into an RFC 9457 problem with a stable code. Bad input is a 4xx,
 * never a 500; a 500 is logged with its stack trace and says nothing of the internals.
 */
public class ProblemWebExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);
    private static final Duration OUTAGE_RETRY_AFTER = Duration.ofSeconds(5);

    private final ProblemWriter writer;

    public ProblemWebExceptionHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ApiProblem problem = toProblem(error);
        // the route pattern, not the path: paths can carry secrets (invitation tokens)
        Object route = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            // an outage, not a bug: one line per refused request, the readiness probe and the consumers tell the rest
            log.warn("{} {} refused while a store is unreachable: {}", exchange.getRequest().getMethod(),
                    route != null ? route : "(no route)", rootMessage(error));
        } else if (problem.status().is5xxServerError()) {
            log.error("{} {} failed", exchange.getRequest().getMethod(), route != null ? route : "(no route)", error);
        }
        return writer.write(exchange, problem);
    }

    /** The problem an error is answered with (also for filters that must know the status before it is written). */
    public static ApiProblem toProblem(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ApiProblem problem) {
            return problem;
        }
        if (cause instanceof RuleViolation rule) {
            return rule.toProblem();
        }
        if (cause instanceof WebExchangeBindException bind) {
            return ApiProblem.validation(fieldProblems(bind));
        }
        if (hasCause(error, DataBufferLimitException.class)) {
            return new ApiProblem(ProblemCode.PAYLOAD_TOO_LARGE,
                    "The request body is larger than this endpoint accepts.");
        }
        if (cause instanceof MissingRequestValueException missing) {
            return ApiProblem.validation(List.of(new ApiProblem.FieldProblem(missing.getName(), "is required")));
        }
        Optional<ApiProblem.FieldProblem> mistyped = MistypedField.of(error);
        if (mistyped.isPresent()) {
            // well-formed JSON with a value of the wrong type: still malformed_request, naming the field
            return new ApiProblem(ProblemCode.MALFORMED_REQUEST, "The field " + mistyped.get().field() + " "
                    + mistyped.get().message() + ".", List.of(mistyped.get()));
        }
        if (cause instanceof ServerWebInputException input) {
            return ApiProblem.malformed(inputDetail(input));
        }
        if (cause instanceof DecodingException || cause instanceof JsonProcessingException) {
            return ApiProblem.malformed("The request body is not valid JSON for this endpoint.");
        }
        if (cause instanceof UnsupportedMediaTypeStatusException media) {
            return new ApiProblem(ProblemCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content type " + media.getContentType() + " is not supported here; use one of " + media.getSupportedMediaTypes() + ".");
        }
        if (cause instanceof NotAcceptableStatusException) {
            return new ApiProblem(ProblemCode.NOT_ACCEPTABLE,
                    "None of the accepted media types can be produced.");
        }
        if (cause instanceof MethodNotAllowedException notAllowed) {
            return new ApiProblem(ProblemCode.METHOD_NOT_ALLOWED,
                    notAllowed.getHttpMethod() + " is not allowed here.");
        }
        if (cause instanceof AuthenticationException) {
            return new ApiProblem(ProblemCode.UNAUTHENTICATED, "A valid bearer token is required.");
        }
        if (cause instanceof AccessDeniedException) {
            return ApiProblem.forbidden("You may not do this.");
        }
        if (cause instanceof ResponseStatusException status) {
            return fromStatus(status.getStatusCode());
        }
        if (InfrastructureFailures.isInfrastructure(error)) {
            // MongoDB or Kafka unreachable (a partition, a failover, a timeout): a 503 the caller can retry, not a
            // 500. A command's events are appended in one write or not at all, and the lookups written beside them
            // are repaired from the event store (RepairedLookup), so nothing stays half-done
            return new ServiceUnavailable("A store this request needs cannot be reached right now; try again shortly.",
                    OUTAGE_RETRY_AFTER);
        }
        return new ApiProblem(ProblemCode.INTERNAL_ERROR,
                "Something went wrong on our side; the request may be retried.");
    }

    private static ApiProblem fromStatus(HttpStatusCode code) {
        HttpStatus status = HttpStatus.resolve(code.value());
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        return switch (status) {
            case NOT_FOUND -> ApiProblem.notFound("No such resource.");
            case BAD_REQUEST -> ApiProblem.malformed("The request is malformed.");
            case SERVICE_UNAVAILABLE -> new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE, "Try again shortly.");
            default -> new ApiProblem(ProblemCode.ofStatus(status.value()), status.getReasonPhrase());
        };
    }

    private static String inputDetail(ServerWebInputException input) {
        if (input.getCause() == null && input.getReason() != null && input.getReason().startsWith("No request body")) {
            return "The request needs a JSON body.";
        }
        if (input.getCause() instanceof DecodingException || input.getCause() instanceof JsonProcessingException) {
            return "The request body is not valid JSON for this endpoint.";
        }
        return input.getReason() != null ? input.getReason() : "The request is malformed.";
    }

    private static List<ApiProblem.FieldProblem> fieldProblems(WebExchangeBindException bind) {
        return bind.getFieldErrors().stream()
                .sorted(Comparator.comparing(FieldError::getField))
                .map(e -> new ApiProblem.FieldProblem(e.getField(),
                        e.getDefaultMessage() == null ? "is invalid" : e.getDefaultMessage()))
                .toList();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        // Axon and CompletableFuture wrap handler failures; the rule underneath is what the caller needs.
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current.getClass().getName().equals("org.axonframework.commandhandling.CommandExecutionException"))
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
