package io.roster.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity service over HTTP, on a real Kafka broker and Mongo-wire server. */
class IdentityServiceTest extends IdentityHttpTest {

    @Test
    void bootstrapAdminLogsInCreatesAnOrganizationAndItReachesKafkaAsCloudEvents() {
        String token = login("admin@roster.local", "roster-admin");

        var created = web.post().uri("/api/v1/organizations")
                .headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "  Acme  "))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().exists("Consistency-Token")
                .expectHeader().exists("X-Correlation-Id")
                .expectBody(JsonNode.class).returnResult();
        String organizationId = created.getResponseBody().get("organizationId").asText();
        String correlationId = created.getResponseHeaders().getFirst("X-Correlation-Id");

        List<ConsumerRecord<String, byte[]>> records = recordsOf(organizationId, 2);
        CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
        EventEnvelope first = codec.decode(records.get(0));
        EventEnvelope second = codec.decode(records.get(1));
        assertThat(first.event()).isInstanceOfSatisfying(OrganizationCreated.class,
                e -> assertThat(e.name()).isEqualTo("Acme"));
        assertThat(second.event()).isInstanceOfSatisfying(MemberAdded.class,
                e -> assertThat(e.roles()).containsExactly("admin"));
        assertThat(first.sequenceNumber()).isZero();
        assertThat(second.sequenceNumber()).isEqualTo(1);
        assertThat(first.correlationId()).isEqualTo(correlationId);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertThat(record.key()).isEqualTo(organizationId);
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_type")).isEqualTo("roster.identity.OrganizationCreated.v1");
        assertThat(header(record, "ce_source")).isEqualTo("/roster/identity-command-service");
        assertThat(header(record, "ce_subject")).isEqualTo(organizationId);
        assertThat(header(record, "ce_id")).isEqualTo(first.event().eventId().toString());
        assertThat(header(record, "ce_time")).isNotBlank();
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"name\":\"Acme\"").doesNotContain("password");
    }

    @Test
    void loginRefusesAWrongPasswordAndAnUnknownUserAlike() {
        for (var body : List.of(Map.of("email", "admin@roster.local", "password", "wrong"),
                Map.of("email", "nobody@roster.local", "password", "roster-admin"))) {
            web.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.code").isEqualTo("invalid_credentials");
        }
    }

    @Test
    void jwksPublishesThePublicKeyOnly() {
        web.get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.keys[0].kty").isEqualTo("RSA")
                .jsonPath("$.keys[0].n").exists()
                .jsonPath("$.keys[0].d").doesNotExist();
    }

    @Test
    void badRequestsGetProblemsWithCodesNeverA500() {
        String token = login("admin@roster.local", "roster-admin");
        expectProblem(web.post().uri("/api/v1/organizations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x")), HttpStatus.UNAUTHORIZED, "unauthenticated");
        expectProblem(web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(token + "x"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x")), HttpStatus.UNAUTHORIZED, "unauthenticated");
        expectProblem(web.post().uri("/api/v1/organizations")
                .headers(h -> h.setBearerAuth(TestTokenIssuer.tokenSignedByAnotherKey(UUID.randomUUID(), "x@y.io")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x")), HttpStatus.UNAUTHORIZED, "unauthenticated");
        expectProblem(web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(unsigned(token)))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x")), HttpStatus.UNAUTHORIZED, "unauthenticated");
        expectProblem(web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": "), HttpStatus.BAD_REQUEST, "malformed_request");
        expectProblem(web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}"), HttpStatus.BAD_REQUEST, "validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("name");
        expectProblem(web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}"),
                HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large");
        expectProblem(web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.TEXT_PLAIN).bodyValue("name=x"), HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
        expectProblem(web.get().uri("/api/v1/nothing-here").headers(h -> h.setBearerAuth(token)), HttpStatus.NOT_FOUND, "not_found");
    }

    /** The token's claims with {@code alg: none} and no signature. */
    private static String unsigned(String token) {
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + token.split("\\.")[1] + ".";
    }

    private WebTestClient.BodyContentSpec expectProblem(WebTestClient.RequestHeadersSpec<?> request, HttpStatus status, String code) {
        return request.exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo(code)
                .jsonPath("$.status").isEqualTo(status.value())
                .jsonPath("$.type").isEqualTo("urn:roster:problem:" + code);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<String, byte[]>> recordsOf(String key, int count) {
        return EmbeddedInfrastructure.records(Topics.IDENTITY, key, count);
    }
}
