package io.roster.testsupport.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import org.assertj.core.api.SoftAssertions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 17 item 9, as an attacker or a careless client sends them: every endpoint of a service's checked-in OpenAPI
 * document that takes a JSON body gets bodies a client gets wrong (an empty object; each string field 10,000
 * characters long; each field of the wrong JSON type). Each answer must be a problem the client can act on: never a
 * 5xx, a {@code validation_failed} always with {@code errors}, each naming its field, and a 400 for mistyped fields
 * naming one of them. Driven by the document, so a
 * new endpoint is swept without anyone adding it here. Path ids are random: a body is validated before anything is
 * looked up, and an answer of 404 or 403 for a well-formed body is as good as any.
 */
public final class ValidationSweep {

    private static final Logger log = LoggerFactory.getLogger(ValidationSweep.class);
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "x".repeat(10_000);
    private static final String MISTYPED = "every field mistyped";

    private final String service;
    private final WebTestClient web;
    private final String bearer;

    /** @param bearer a token allowed to call the service's endpoints (a provider admin's) */
    public ValidationSweep(String service, WebTestClient web, String bearer) {
        this.service = service;
        this.web = web;
        this.bearer = bearer;
    }

    public void run() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        OpenAPI document = new OpenAPIParser().readContents(OpenApiDocumentCheck.read(OpenApiDocumentCheck.checkedInDocument(service)), null, options)
                .getOpenAPI();
        SoftAssertions softly = new SoftAssertions();
        List<String> lines = new ArrayList<>();
        int requests = 0;
        for (Map.Entry<String, PathItem> path : document.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getValue().readOperationsMap().entrySet()) {
                Schema<?> body = jsonBody(operation.getValue());
                if (body == null) {
                    continue;
                }
                String route = operation.getKey() + " " + path.getKey();
                for (Map.Entry<String, String> attempt : badBodies(body).entrySet()) {
                    EntityExchangeResult<byte[]> answer = web.method(HttpMethod.valueOf(operation.getKey().name()))
                            .uri(withRandomIds(path.getKey()))
                            .headers(h -> h.setBearerAuth(bearer))
                            .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                            .bodyValue(attempt.getValue())
                            .exchange().expectBody().returnResult();
                    requests++;
                    String verdict = verdict(answer, attempt.getKey().equals(MISTYPED));
                    lines.add(String.format("%-70s %-28s %d %s", route, attempt.getKey(), answer.getStatus().value(), verdict));
                    softly.assertThat(verdict).as("%s with %s answered %d %s", route, attempt.getKey(), answer.getStatus().value(),
                            body(answer)).doesNotStartWith("BAD");
                }
            }
        }
        String report = "== validation sweep of " + service + ": " + requests + " requests\n" + String.join("\n", lines);
        log.info("\n{}", report);
        OpenApiDocumentCheck.writeFile(Path.of("target", "validation-sweep-report.txt"), report + "\n");
        softly.assertThat(requests).as("requests with a JSON body sent").isPositive();
        softly.assertAll();
    }

    /**
     * "ok …" or "BAD …" for one answer.
     *
     * @param mistyped every field had a value of the wrong type: a 400 must name one of them
     */
    private static String verdict(EntityExchangeResult<byte[]> answer, boolean mistyped) {
        if (answer.getStatus().is5xxServerError()) {
            return "BAD: a server error for a client's mistake";
        }
        JsonNode problem = readTree(body(answer));
        String code = problem.path("code").asText("");
        JsonNode errors = problem.path("errors");
        boolean namesAField = errors.isArray() && !errors.isEmpty();
        if (!namesAField && ("validation_failed".equals(code) || mistyped && answer.getStatus().value() == 400)) {
            return "BAD: " + code + " names no field";
        }
        if (!namesAField) {
            return "ok " + code;
        }
        List<String> fields = new ArrayList<>();
        for (JsonNode error : errors) {
            String field = error.path("field").asText("");
            if (field.isBlank() || error.path("message").asText("").isBlank()) {
                return "BAD: an error without its field or message: " + error;
            }
            fields.add(field);
        }
        return "ok " + code + " " + fields;
    }

    private static Schema<?> jsonBody(Operation operation) {
        if (operation.getRequestBody() == null || operation.getRequestBody().getContent() == null) {
            return null;
        }
        MediaType json = operation.getRequestBody().getContent().get("application/json");
        return json == null ? null : json.getSchema();
    }

    /** The wrong bodies for one schema, by what is wrong with them. */
    private static Map<String, String> badBodies(Schema<?> schema) {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("empty object", "{}");
        Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        Map<String, Object> tooLong = new LinkedHashMap<>();
        Map<String, Object> wrongTypes = new LinkedHashMap<>();
        properties.forEach((name, property) -> {
            boolean text = "string".equals(type(property));
            if (text) {
                tooLong.put(name, LONG);
            }
            wrongTypes.put(name, text ? Map.of("not", "a string") : "not-a-" + type(property));
        });
        if (!tooLong.isEmpty()) {
            bodies.put("strings 10,000 long", write(tooLong));
        }
        if (!wrongTypes.isEmpty()) {
            bodies.put(MISTYPED, write(wrongTypes));
        }
        return bodies;
    }

    private static String type(Schema<?> property) {
        if (property.getType() != null) {
            return property.getType();
        }
        return property.getTypes() == null ? "object" : property.getTypes().stream().filter(t -> !"null".equals(t)).findFirst()
                .orElse("object");
    }

    private static String withRandomIds(String path) {
        Matcher variables = PATH_VARIABLE.matcher(path);
        StringBuilder uri = new StringBuilder();
        while (variables.find()) {
            variables.appendReplacement(uri, UUID.randomUUID().toString());
        }
        variables.appendTail(uri);
        return uri.toString();
    }

    private static String body(EntityExchangeResult<byte[]> answer) {
        byte[] body = answer.getResponseBody();
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
