package io.roster.kit.openapi;

import io.roster.events.ProblemCode;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.idempotency.IdempotencyFilter;
import io.roster.kit.web.PageRequest;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.roster.kit.web.ProblemWriter;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What every Roster service's OpenAPI document shares, written once here instead of on every controller
 * (PRODUCT.md §2): bearer (JWT) security except on the public paths, the RFC 9457 problem schema with its
 * {@code code}, the problem answers each operation can give, {@code Idempotency-Key} on the POSTs that honour it,
 * {@code Consistency-Token} where {@link ReadYourWrites} says so, and {@code limit}/{@code cursor} paging.
 */
class RosterOpenApiCustomizer implements OpenApiCustomizer {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final String SCHEMAS = "#/components/schemas/";
    private static final String PARAMETERS = "#/components/parameters/";
    private static final String HEADERS = "#/components/headers/";
    private static final String RESPONSES = "#/components/responses/";

    /** A path the kit's security chain leaves open, or one that a rate limit guards, as a Spring path pattern. */
    record Route(String method, String path) {
    }

    private final List<PathPattern> publicPaths;
    private final Set<String> notIdempotent;
    private final List<Route> rateLimited;

    /** @param notIdempotent the POST paths the Idempotency-Key filter skips; null when the service has no such filter */
    RosterOpenApiCustomizer(List<String> publicPaths, Set<String> notIdempotent, List<Route> rateLimited) {
        PathPatternParser parser = new PathPatternParser();
        this.publicPaths = publicPaths.stream().map(parser::parse).toList();
        this.notIdempotent = notIdempotent == null ? null : Set.copyOf(notIdempotent);
        this.rateLimited = List.copyOf(rateLimited);
    }

    @Override
    public void customise(OpenAPI api) {
        Components components = api.getComponents() == null ? new Components() : api.getComponents();
        api.setComponents(components);
        addSharedComponents(components);
        api.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> describe(components, path, method, operation)));
    }

    private void describe(Components components, String path, PathItem.HttpMethod method, Operation operation) {
        boolean open = isPublic(path);
        if (open) {
            operation.setSecurity(List.of()); // overrides the document's bearer requirement
        }
        boolean idempotent = method == PathItem.HttpMethod.POST && notIdempotent != null && !notIdempotent.contains(path);
        if (idempotent) {
            // a handler that reads the header itself declares it too: the shared definition replaces its own
            if (operation.getParameters() != null) {
                operation.getParameters().removeIf(p -> "header".equals(p.getIn()) && IdempotencyFilter.HEADER.equalsIgnoreCase(p.getName()));
            }
            addParameter(operation, new Parameter().$ref(PARAMETERS + "IdempotencyKey"));
        }
        pagingParameters(operation);
        Object role = operation.getExtensions() == null ? null : operation.getExtensions().remove(RosterOperationCustomizer.READ_YOUR_WRITES);
        boolean read = method == PathItem.HttpMethod.GET;
        if (ReadYourWrites.Role.WAITS.name().equals(role) && read) {
            addParameter(operation, new Parameter().$ref(PARAMETERS + "ConsistencyToken"));
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        responses.forEach((status, response) -> {
            if (status.startsWith("2")) {
                if (ReadYourWrites.Role.ISSUES.name().equals(role) && !read) {
                    response.addHeaderObject(ConsistencyToken.HEADER, new Header().$ref(HEADERS + "ConsistencyToken"));
                }
                if (idempotent) {
                    response.addHeaderObject(IdempotencyFilter.REPLAYED_HEADER, new Header().$ref(HEADERS + "IdempotentReplayed"));
                }
            }
        });
        problemResponses(components, responses, codes(path, method, operation, open, idempotent));
        if (operation.getExtensions() != null && operation.getExtensions().isEmpty()) {
            operation.setExtensions(null);
        }
    }

    /** The codes this operation can answer: those of its kind, then the ones its handler declares. */
    @SuppressWarnings("unchecked")
    private Set<ProblemCode> codes(String path, PathItem.HttpMethod method, Operation operation, boolean open, boolean idempotent) {
        Set<ProblemCode> codes = new LinkedHashSet<>();
        boolean body = operation.getRequestBody() != null;
        boolean parameters = operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> p.get$ref() != null || !"header".equals(p.getIn()));
        if (body || parameters) {
            codes.add(ProblemCode.VALIDATION_FAILED);
            codes.add(ProblemCode.MALFORMED_REQUEST);
        }
        if (!open) {
            codes.add(ProblemCode.UNAUTHENTICATED);
            codes.add(ProblemCode.FORBIDDEN);
        }
        if (path.contains("{")) {
            codes.add(ProblemCode.NOT_FOUND);
        }
        if (idempotent) {
            codes.add(ProblemCode.IDEMPOTENCY_KEY_REUSED);
            codes.add(ProblemCode.CONFLICT);
        }
        if (body) {
            codes.add(ProblemCode.PAYLOAD_TOO_LARGE);
            codes.add(ProblemCode.UNSUPPORTED_MEDIA_TYPE);
        }
        if (rateLimited.stream().anyMatch(r -> r.method().equalsIgnoreCase(method.name()) && r.path().equals(path))) {
            codes.add(ProblemCode.RATE_LIMITED);
        }
        Object declared = operation.getExtensions() == null ? null : operation.getExtensions().remove(RosterOperationCustomizer.CODES);
        if (declared instanceof List<?> list) {
            ((List<String>) list).forEach(code -> ProblemCode.of(code).ifPresent(codes::add));
        }
        codes.add(ProblemCode.SERVICE_UNAVAILABLE);
        return codes;
    }

    /**
     * One response per status, whose {@code code} is narrowed to the codes this operation can give with it; each
     * distinct set of codes is one shared response in the components (named by its codes), referred to by every
     * operation that answers it.
     */
    private static void problemResponses(Components components, ApiResponses responses, Set<ProblemCode> codes) {
        Map<Integer, List<String>> byStatus = new TreeMap<>();
        codes.forEach(code -> byStatus.computeIfAbsent(code.status(), s -> new ArrayList<>()).add(code.code()));
        byStatus.forEach((status, wireCodes) -> {
            String name = String.join("-or-", wireCodes);
            if (components.getResponses() == null || !components.getResponses().containsKey(name)) {
                components.addResponses(name, problemResponse(status, wireCodes));
            }
            responses.addApiResponse(String.valueOf(status), new ApiResponse().$ref(RESPONSES + name));
        });
    }

    private static ApiResponse problemResponse(int status, List<String> wireCodes) {
        Schema<?> schema = new ComposedSchema()
                .addAllOfItem(new Schema<>().$ref(SCHEMAS + PROBLEM))
                .addAllOfItem(new ObjectSchema().addProperty("code", new StringSchema()._enum(wireCodes)));
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", ProblemWriter.TYPE_PREFIX + wireCodes.get(0));
        example.put("title", HttpStatus.valueOf(status).getReasonPhrase());
        example.put("status", status);
        example.put("detail", "What went wrong, for a person to read.");
        example.put("code", wireCodes.get(0));
        ApiResponse response = new ApiResponse()
                .description("Problem: " + String.join(", ", wireCodes))
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(schema).example(example)));
        if (status == HttpStatus.TOO_MANY_REQUESTS.value()) {
            response.addHeaderObject(HttpHeaders.RETRY_AFTER, new Header().$ref(HEADERS + "RetryAfter"));
        }
        return response;
    }

    /** {@code limit} and {@code cursor} of every list (PRODUCT.md §2): the shared definitions, with their bounds. */
    private static void pagingParameters(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        List<Parameter> parameters = new ArrayList<>();
        for (Parameter parameter : operation.getParameters()) {
            if ("query".equals(parameter.getIn()) && PageRequest.LIMIT.equals(parameter.getName())) {
                parameters.add(new Parameter().$ref(PARAMETERS + "Limit"));
            } else if ("query".equals(parameter.getIn()) && PageRequest.CURSOR.equals(parameter.getName())) {
                parameters.add(new Parameter().$ref(PARAMETERS + "Cursor"));
            } else {
                parameters.add(parameter);
            }
        }
        operation.setParameters(parameters);
    }

    private static void addParameter(Operation operation, Parameter parameter) {
        if (operation.getParameters() == null || operation.getParameters().stream()
                .noneMatch(p -> parameter.get$ref().equals(p.get$ref()))) {
            operation.addParametersItem(parameter);
        }
    }

    private boolean isPublic(String path) {
        org.springframework.http.server.PathContainer container = org.springframework.http.server.PathContainer.parsePath(path);
        return publicPaths.stream().anyMatch(p -> p.matches(container));
    }

    private static void addSharedComponents(Components components) {
        components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .bearerFormat("JWT")
                .description("An RS256 access token from POST /api/v1/auth/token of the identity service (its keys: "
                        + "GET /.well-known/jwks.json)."));
        components.addSchemas("FieldProblem", new ObjectSchema()
                .description("One bad field of a request.")
                .addProperty("field", new StringSchema().example("email"))
                .addProperty("message", new StringSchema().example("must be a valid email address"))
                .required(List.of("field", "message")));
        components.addSchemas(PROBLEM, new ObjectSchema()
                .description("RFC 9457 problem details with Roster's stable machine code.")
                .addProperty("type", new StringSchema().format("uri").example(ProblemWriter.TYPE_PREFIX + "validation_failed")
                        .description("urn:roster:problem:<code>"))
                .addProperty("title", new StringSchema().example("Bad Request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("The request has invalid fields."))
                .addProperty("instance", new StringSchema().format("uri-reference").example("/api/v1/organizations"))
                .addProperty("code", new StringSchema()._enum(Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList())
                        .description("Stable machine code; never changes once published."))
                .addProperty("errors", new ArraySchema().items(new Schema<>().$ref(SCHEMAS + "FieldProblem"))
                        .description("Every bad field (validation_failed only)."))
                .required(List.of("type", "title", "status", "code")));
        components.addParameters("IdempotencyKey", new Parameter().in("header").name(IdempotencyFilter.HEADER)
                .required(false)
                .description("Makes a retry safe: a repeat with the same key and body answers the first response again "
                        + "(with Idempotent-Replayed: true) and changes nothing; the same key with another body is 409 "
                        + "idempotency_key_reused. Scoped to the caller, method and path.")
                .schema(new StringSchema().minLength(1).maxLength(255).pattern("^[\\x21-\\x7E]+$")
                        .example("5a0c1e9e-6f6b-4bb8-9d4e-0c4a3e0bb8f1")));
        components.addParameters("ConsistencyToken", new Parameter().in("header").name(ConsistencyToken.HEADER)
                .required(false)
                .description("Read-your-writes: the Consistency-Token of a command's answer. The read waits (up to 5 s) "
                        + "until its projection reflects that command.")
                .schema(new StringSchema().example("MGY4ZmFkNWItZDljYi00NjlmLWExNjUtNzA4Njc3Mjg5NTBlOjM")));
        components.addParameters("Limit", new Parameter().in("query").name(PageRequest.LIMIT).required(false)
                .description("Items per page.")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE)
                        .maximum(java.math.BigDecimal.valueOf(PageRequest.MAX_LIMIT))._default(PageRequest.DEFAULT_LIMIT)));
        components.addParameters("Cursor", new Parameter().in("query").name(PageRequest.CURSOR).required(false)
                .description("The nextCursor of the previous page (opaque); absent for the first page.")
                .schema(new StringSchema()));
        components.addHeaders("ConsistencyToken", new Header()
                .description("Send it back on a query (Consistency-Token request header) to read this command's effects.")
                .schema(new StringSchema()));
        components.addHeaders("IdempotentReplayed", new Header()
                .description("true when this is the stored answer to an earlier request with the same Idempotency-Key.")
                .schema(new StringSchema()._enum(List.of("true"))));
        components.addHeaders("RetryAfter", new Header().description("Seconds to wait before trying again.")
                .schema(new IntegerSchema()));
    }
}
