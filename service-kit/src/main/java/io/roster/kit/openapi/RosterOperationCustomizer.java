package io.roster.kit.openapi;

import io.roster.events.ProblemCode;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Names each operation after its handler, and reads the documentation annotations of a handler method ({@link ProblemCodes}, {@link ReadYourWrites}, {@link SuccessStatus}, on the
 * method or its class) into extensions of its operation, which {@link RosterOpenApiCustomizer} turns into responses
 * and headers once the whole document is known (and then removes).
 */
class RosterOperationCustomizer implements OperationCustomizer {

    static final String CODES = "x-roster-problem-codes";
    static final String READ_YOUR_WRITES = "x-roster-read-your-writes";

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        operation.setOperationId(operationId(handler));
        List<String> codes = new ArrayList<>();
        for (ProblemCodes declared : Stream.of(
                        AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), ProblemCodes.class),
                        AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), ProblemCodes.class))
                .filter(Objects::nonNull).toList()) {
            Arrays.stream(declared.value()).map(ProblemCode::code).forEach(codes::add);
        }
        if (!codes.isEmpty()) {
            operation.addExtension(CODES, codes);
        }
        SuccessStatus success = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), SuccessStatus.class);
        if (success != null) {
            answeredWith(operation, success.value());
        }
        ReadYourWrites role = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), ReadYourWrites.class);
        if (role == null) {
            role = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), ReadYourWrites.class);
        }
        if (role != null) {
            operation.addExtension(READ_YOUR_WRITES, role.value().name());
        }
        return operation;
    }

    /** The success response under the status the handler really answers; a 204 has no body. */
    private static void answeredWith(Operation operation, int status) {
        ApiResponses responses = operation.getResponses();
        ApiResponse ok = responses == null ? null : responses.remove("200");
        if (ok == null) {
            return;
        }
        String code = Integer.toString(status);
        if (status == 204) {
            ok.setContent(null);
            ok.setDescription("No Content");
        } else if ("OK".equals(ok.getDescription())) {
            ok.setDescription(status == 201 ? "Created" : status == 202 ? "Accepted" : ok.getDescription());
        }
        responses.addApiResponse(code, ok);
    }

    /**
     * {@code MemberController.add} → {@code memberAdd}: unique across the services (their controllers' names differ), so
     * the merged document's operations, and the client methods generated from them, keep stable names.
     */
    static String operationId(HandlerMethod handler) {
        String type = handler.getBeanType().getSimpleName().replaceFirst("(Controller|Pages)$", "");
        String method = handler.getMethod().getName();
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + Character.toUpperCase(method.charAt(0)) + method.substring(1);
    }
}
