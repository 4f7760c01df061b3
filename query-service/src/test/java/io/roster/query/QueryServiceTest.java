package io.roster.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events produced to the real broker become readable organizations, exactly once, behind the reader rules. */
class QueryServiceTest extends AbstractServiceTest {

    /** The projections' group: other consumers of the same topic (the token revocations) dead-letter on their own. */
    @org.springframework.beans.factory.annotation.Value("${spring.kafka.consumer.group-id}")
    private String projectionsGroup;

    private final UUID admin = UUID.randomUUID();

    @Test
    void aConsistencyTokenMakesTheReadWaitForTheCommandsEvents() {
        UUID org = createOrganization("Acme");
        String token = ConsistencyToken.of(org.toString(), 1).encode();

        web.get().uri("/api/v1/organizations/{id}", org)
                .headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, token)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Consistency-Reached", "true")
                .expectBody()
                .jsonPath("$.name").isEqualTo("Acme")
                .jsonPath("$.organizationId").isEqualTo(org.toString());
    }

    /** The service builds its own MongoClient; Boot's customizers still give it the driver's metrics. */
    @Test
    void theMongoDriversCommandAndPoolMetricsArePublished() {
        UUID org = createOrganization("Metered");
        web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, ConsistencyToken.of(org.toString(), 1).encode())
                .exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body)
                        .containsPattern("mongodb_driver_commands_seconds_count\\{[^}]*collection=\"applied-sequences-v1\"")
                        .contains("mongodb_driver_pool_size{"));
    }

    /** roster-kit.yml's workaround for reactor-netty#4361 (see service-kit's KeepAliveConnectionTest) reaches the services. */
    @Test
    void everyAnswerClosesItsConnection() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk().expectHeader().valueEquals("Connection", "close");
    }

    @Test
    void withoutATokenTheOrganizationAppearsWithinAMoment() {
        UUID org = createOrganization("Globex");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin)))
                        .exchange().expectStatus().isOk());
    }

    @Test
    void aRedeliveredOrReplayedEventChangesNothing() {
        UUID org = UUID.randomUUID();
        send(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "First"), 0);
        send(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        send(new OrganizationRenamed(UUID.randomUUID(), Instant.now(), org, admin, "Second"), 2);
        // a stale copy of the first event, as a redelivery or a replay would bring it
        send(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "First"), 0);
        send(new OrganizationRenamed(UUID.randomUUID(), Instant.now(), org, admin, "Third"), 3);

        web.get().uri("/api/v1/organizations/{id}", org)
                .headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, ConsistencyToken.of(org.toString(), 3).encode())
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("Third");
    }

    @Test
    void readersSeeOnlyTheirOrganizationsAndProviderAdminsSeeAll() {
        UUID org = createOrganization("Initech");
        String consistency = ConsistencyToken.of(org.toString(), 1).encode();
        UUID stranger = UUID.randomUUID();
        web.get().uri("/api/v1/organizations/{id}", org)
                .headers(h -> h.setBearerAuth(tokenOf(stranger)))
                .header(ConsistencyToken.HEADER, consistency)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("not_found");
        web.get().uri("/api/v1/organizations/{id}", org)
                .headers(h -> h.setBearerAuth(TestTokenIssuer.get().tokenFor(stranger, "root@x.io", List.of("provider-admin"))))
                .exchange()
                .expectStatus().isOk();
        web.get().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, consistency)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.name == 'Initech')]").exists();
        web.get().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(tokenOf(stranger)))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0).jsonPath("$.nextCursor").isEmpty();
    }

    @Test
    void badTokensAndBadQueriesAreProblemsNotFailures() {
        web.get().uri("/api/v1/organizations").exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
        web.get().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(TestTokenIssuer.get().expiredTokenFor(admin, "a@x.io")))
                .exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
        web.get().uri("/api/v1/organizations?limit=500").headers(h -> h.setBearerAuth(tokenOf(admin))).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("limit");
        web.get().uri("/api/v1/organizations/not-a-uuid").headers(h -> h.setBearerAuth(tokenOf(admin))).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("malformed_request");
        web.get().uri("/api/v1/organizations/{id}", UUID.randomUUID()).headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, "%%%not-a-token").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("malformed_request");
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheConsumerGoesOn() {
        String key = UUID.randomUUID().toString();
        kafka.send(new ProducerRecord<>(Topics.IDENTITY, key, "not a cloud event".getBytes(StandardCharsets.UTF_8)));
        UUID org = createOrganization("After the poison");

        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(Topics.IDENTITY)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return true;
                    }
                }
                return false;
            });
        }
        web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, ConsistencyToken.of(org.toString(), 1).encode())
                .exchange().expectStatus().isOk().expectHeader().valueEquals("Consistency-Reached", "true");
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body.lines()
                        // the series exists at 0 from start-up: its value tells that the record was counted
                        .filter(line -> line.startsWith("roster_consumer_dead_letters_total{reason=\"unreadable\",topic=\"roster.identity.v1\"} "))
                        .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                        .singleElement().satisfies(count -> assertThat(count).isGreaterThanOrEqualTo(1.0)));
    }

    /**
     * The consumer takes a poll's records as one batch: a broken record among good ones of the same aggregate goes to
     * the dead letter topic alone, the ones before it are applied, and the aggregate's later ones wait behind it (never
     * applied out of order) until a provider admin discards it with a reason; then they are applied.
     */
    @Test
    void aBrokenRecordInTheMiddleOfABatchIsDeadLetteredAndTheAggregatesLaterEventsWaitUntilItIsDiscarded() {
        UUID org = UUID.randomUUID();
        String poison = "broken in a batch " + UUID.randomUUID();
        // one key, one partition, sent without waiting: they arrive together and in this order
        List<ProducerRecord<String, byte[]>> records = List.of(
                codec.encode(EventEnvelope.of(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Before"), 0)),
                codec.encode(EventEnvelope.of(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1)),
                new ProducerRecord<>(Topics.IDENTITY, org.toString(), poison.getBytes(StandardCharsets.UTF_8)),
                codec.encode(EventEnvelope.of(new OrganizationRenamed(UUID.randomUUID(), Instant.now(), org, admin, "After"), 2)));
        records.forEach(kafka::send);
        kafka.flush();

        web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, ConsistencyToken.of(org.toString(), 1).encode())
                .exchange().expectStatus().isOk().expectHeader().valueEquals("Consistency-Reached", "true");
        assertThat(deadLetters(org.toString())).containsExactly(poison);
        String root = providerAdminToken();
        String id = await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterWaiting(root, org), found -> found != null);
        web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin))).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Before");

        web.get().uri("/api/v1/admin/dead-letters").exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/v1/admin/dead-letters").headers(h -> h.setBearerAuth(tokenOf(admin))).exchange()
                .expectStatus().isForbidden();
        web.post().uri("/api/v1/admin/dead-letters/{id}/discard", id).headers(h -> h.setBearerAuth(root))
                .bodyValue(Map.of("reason", " ")).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("reason");
        web.post().uri("/api/v1/admin/dead-letters/{id}/redrive", "no-such-dead-letter").headers(h -> h.setBearerAuth(root))
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        web.post().uri("/api/v1/admin/dead-letters/{id}/redrive", id).headers(h -> h.setBearerAuth(root))
                .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("dead_letter_still_failing");

        web.post().uri("/api/v1/admin/dead-letters/{id}/discard", id).headers(h -> h.setBearerAuth(root))
                .bodyValue(Map.of("reason", "not an event: a test wrote it")).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.applied").isEqualTo(1);

        web.get().uri("/api/v1/organizations/{id}", org).headers(h -> h.setBearerAuth(tokenOf(admin)))
                .header(ConsistencyToken.HEADER, ConsistencyToken.of(org.toString(), 2).encode())
                .exchange().expectStatus().isOk().expectHeader().valueEquals("Consistency-Reached", "true")
                .expectBody().jsonPath("$.name").isEqualTo("After");
        web.get().uri("/api/v1/admin/dead-letters").headers(h -> h.setBearerAuth(root)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.id == '" + id + "')].status").isEqualTo("discarded")
                .jsonPath("$.items[?(@.id == '" + id + "')].discardReason").isEqualTo("not an event: a test wrote it");
        web.post().uri("/api/v1/admin/dead-letters/{id}/discard", id).headers(h -> h.setBearerAuth(root))
                .bodyValue(Map.of("reason", "again")).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("dead_letter_resolved");
    }

    /**
     * The id of the projections' dead letter of the organization once one event waits behind it, else null. The
     * token-revocation consumer reads the same topic in a group of its own and dead-letters the same record on its own:
     * discarding that one would release nothing of the projections.
     */
    private String deadLetterWaiting(String token, UUID org) {
        JsonNode items = web.get().uri("/api/v1/admin/dead-letters").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("items");
        for (JsonNode item : items) {
            if (org.toString().equals(item.get("aggregateId").asText()) && projectionsGroup.equals(item.get("group").asText())
                    && item.get("waiting").asLong() == 1
                    && "dead".equals(item.get("status").asText()) && "unreadable".equals(item.get("reason").asText())) {
                return item.get("id").asText();
            }
        }
        return null;
    }

    /** The values of the identity dead letter topic's records with this key, once at least one arrived. */
    private boolean ofTheProjections(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        var group = record.headers().lastHeader(io.roster.kit.consumer.DeadLetters.GROUP_HEADER);
        return group != null && projectionsGroup.equals(new String(group.value(), StandardCharsets.UTF_8));
    }

    private List<String> deadLetters(String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new java.util.ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(Topics.IDENTITY)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key()) && ofTheProjections(record)) {
                        values.add(new String(record.value(), StandardCharsets.UTF_8));
                    }
                }
                return !values.isEmpty();
            });
            // whatever else is already there
            consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                if (key.equals(record.key()) && ofTheProjections(record)) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            });
        }
        return values;
    }

    private UUID createOrganization(String name) {
        UUID org = UUID.randomUUID();
        send(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, name), 0);
        send(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        return org;
    }

    private void send(io.roster.events.RosterEvent event, long sequence) {
        kafka.send(codec.encode(EventEnvelope.of(event, sequence))).join();
    }
}
