package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Same input, same answer: the same bad requests sent to the four services (as separate processes) get the same
 * RFC 9457 problem from each (status, code and the named field): a non-member of an existing organization, an unknown
 * organization, no token, malformed JSON, a bad {@code limit} or {@code cursor}, an address without a dotted domain.
 * A service without such an endpoint (no lists on identity and invitation, no JSON bodies on query) is left out of
 * that case.
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsistentProblemsIT {

    private static final Logger log = LoggerFactory.getLogger(ConsistentProblemsIT.class);
    private static final Ports PORTS = SharedStack.PORTS;
    private static final String PASSWORD = "correct horse battery staple";

    /** The four services, each with its request on an organization that needs its admin role (or membership). */
    enum Service {
        IDENTITY(PORTS.identity()),
        INVITATION(PORTS.invitation()),
        QUERY(PORTS.query()),
        NOTIFICATION(PORTS.notification());

        final String base;

        Service(int port) {
            this.base = "http://127.0.0.1:" + port;
        }
    }

    /** What a client sees of a problem: the part every service must answer alike. */
    record Problem(int status, String code, List<String> fields) {
    }

    private final StackHttp http = new StackHttp();
    private RunningStack stack;
    private String admin;
    private String outsider;
    private String organization;

    @BeforeAll
    void startTheStackWithAnOrganizationAndAnOutsider() throws Exception {
        stack = SharedStack.stack();
        admin = http.login(Service.IDENTITY.base, "admin@roster.local", "roster-admin");
        http.created(http.post(Service.IDENTITY.base + "/api/v1/users", admin, "{\"firstName\":\"Otto\",\"lastName\":\"Outsider\","
                + "\"email\":\"otto@outside.example\",\"password\":\"" + PASSWORD + "\"}"), "userId");
        outsider = http.login(Service.IDENTITY.base, "otto@outside.example", PASSWORD);
        organization = http.created(http.post(Service.IDENTITY.base + "/api/v1/organizations", admin, "{\"name\":\"Same Answers\"}"),
                "organizationId");
        // every service must know the organization (its own projection), or "not a member" could not be told from "unknown"
        for (Service service : Service.values()) {
            await(service + " knows the organization").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> adminRequestSucceeds(service));
        }
    }

    private boolean adminRequestSucceeds(Service service) throws Exception {
        HttpResponse<String> response = switch (service) {
            case IDENTITY -> http.patch(orgUrl(service, organization), admin, "{\"name\":\"Same Answers\"}");
            case INVITATION -> http.postAsJson(orgUrl(service, organization) + "/invitation-links", admin,
                    Map.of("name", "probe", "roles", List.of("member")));
            case QUERY -> http.get(orgUrl(service, organization) + "/members", admin);
            case NOTIFICATION -> http.get(orgUrl(service, organization) + "/notifications", admin);
        };
        return response.statusCode() / 100 == 2;
    }

    enum BadRequest {
        NOT_A_MEMBER(404, "not_found", null),
        UNKNOWN_ORGANIZATION(404, "not_found", null),
        NO_TOKEN(401, "unauthenticated", null),
        MALFORMED_JSON(400, "malformed_request", null),
        LIMIT_NOT_A_NUMBER(400, "validation_failed", "limit"),
        LIMIT_ZERO(400, "validation_failed", "limit"),
        LIMIT_TOO_LARGE(400, "validation_failed", "limit"),
        CURSOR_NOT_ISSUED(400, "validation_failed", "cursor"),
        ADDRESS_WITHOUT_DOTTED_DOMAIN(400, "validation_failed", null);

        final int status;
        final String code;
        /** The field every service names; null when the case names none or each service its own. */
        final String field;

        BadRequest(int status, String code, String field) {
            this.status = status;
            this.code = code;
            this.field = field;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BadRequest.class)
    void everyServiceAnswersTheSameProblem(BadRequest bad) throws Exception {
        Map<Service, Problem> answers = new LinkedHashMap<>();
        for (Service service : Service.values()) {
            HttpResponse<String> response = send(bad, service);
            if (response == null) {
                continue;
            }
            assertThat(response.headers().firstValue("Content-Type")).as(describe(response))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode body = http.body(response);
            List<String> fields = new ArrayList<>();
            body.path("errors").forEach(error -> fields.add(error.path("field").asText()));
            Problem problem = new Problem(response.statusCode(), body.path("code").asText(), fields);
            assertThat(body.path("status").asInt()).as(describe(response)).isEqualTo(response.statusCode());
            answers.put(service, problem);
            log.info("{} on {}: {}", bad, service, problem);
        }
        assertThat(answers).as("asked at least two services").hasSizeGreaterThanOrEqualTo(2);
        answers.forEach((service, problem) -> {
            assertThat(problem.status()).as("%s on %s: %s", bad, service, answers).isEqualTo(bad.status);
            assertThat(problem.code()).as("%s on %s: %s", bad, service, answers).isEqualTo(bad.code);
            assertThat(problem.fields()).as("%s on %s: %s", bad, service, answers).containsExactlyElementsOf(fieldsOf(bad, service));
        });
    }

    /** The fields a case's problem names: the same everywhere, except the address field each service calls its own. */
    private static List<String> fieldsOf(BadRequest bad, Service service) {
        if (bad == BadRequest.ADDRESS_WITHOUT_DOTTED_DOMAIN) {
            return List.of(switch (service) {
                case IDENTITY -> "email";
                case INVITATION -> "emails";
                case QUERY -> "none";
                case NOTIFICATION -> "to";
            });
        }
        return bad.field == null ? List.of() : List.of(bad.field);
    }

    /** The bad request of a case on a service, or null when the service has no endpoint it applies to. */
    private HttpResponse<String> send(BadRequest bad, Service service) throws Exception {
        String unknown = UUID.randomUUID().toString();
        return switch (bad) {
            case NOT_A_MEMBER -> adminAction(service, organization, outsider);
            case UNKNOWN_ORGANIZATION -> adminAction(service, unknown, admin);
            case NO_TOKEN -> adminAction(service, organization, null);
            case MALFORMED_JSON -> switch (service) {
                case IDENTITY -> http.patch(orgUrl(service, organization), admin, "{\"name\": ");
                case INVITATION -> http.post(orgUrl(service, organization) + "/invitation-links", admin, "{\"name\": ");
                case QUERY -> null;
                case NOTIFICATION -> http.put(orgUrl(service, organization) + "/email-settings", admin, "{\"host\": ");
            };
            case LIMIT_NOT_A_NUMBER -> list(service, "?limit=abc");
            case LIMIT_ZERO -> list(service, "?limit=0");
            case LIMIT_TOO_LARGE -> list(service, "?limit=999");
            case CURSOR_NOT_ISSUED -> list(service, "?cursor=@@not-a-cursor");
            case ADDRESS_WITHOUT_DOTTED_DOMAIN -> switch (service) {
                case IDENTITY -> http.post(service.base + "/api/v1/users", admin,
                        "{\"firstName\":\"Ann\",\"lastName\":\"Local\",\"email\":\"ann@localhost\",\"password\":\"" + PASSWORD + "\"}");
                case INVITATION -> http.postAsJson(orgUrl(service, organization) + "/invitation-links", admin,
                        Map.of("name", "local", "roles", List.of("member"), "emails", List.of("ann@localhost")));
                case QUERY -> null;
                case NOTIFICATION -> http.postAsJson(orgUrl(service, organization) + "/email-settings/test", admin,
                        Map.of("to", "ann@localhost"));
            };
        };
    }

    /** An action on the organization that only its admins (and provider admins) may take. */
    private HttpResponse<String> adminAction(Service service, String organizationId, String bearer) throws Exception {
        return switch (service) {
            case IDENTITY -> http.patch(orgUrl(service, organizationId), bearer, "{\"name\":\"Taken Over\"}");
            case INVITATION -> http.get(orgUrl(service, organizationId) + "/invitation-links/" + UUID.randomUUID() + "/url", bearer);
            case QUERY -> http.get(orgUrl(service, organizationId) + "/invitations", bearer);
            case NOTIFICATION -> http.get(orgUrl(service, organizationId) + "/email-settings", bearer);
        };
    }

    /** A list of the organization, where the service has one. */
    private HttpResponse<String> list(Service service, String query) throws Exception {
        return switch (service) {
            case IDENTITY, INVITATION -> null;
            case QUERY -> http.get(orgUrl(service, organization) + "/members" + query, admin);
            case NOTIFICATION -> http.get(orgUrl(service, organization) + "/notifications" + query, admin);
        };
    }

    private static String orgUrl(Service service, String organizationId) {
        return service.base + "/api/v1/organizations/" + organizationId;
    }
}
