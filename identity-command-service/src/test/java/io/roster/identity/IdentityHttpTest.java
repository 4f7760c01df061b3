package io.roster.identity;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.notification.NotificationKind;
import io.roster.events.notification.NotificationSent;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The identity service over HTTP on a real Kafka broker and Mongo-wire server. Every test class extending
 * this one shares one Spring context (and database): tests make their own users and organizations.
 * Open sign-up is on here and {@code roster.membership.single-organization} off; a subclass that needs
 * otherwise overrides them with {@code @TestPropertySource} (and gets a context of its own).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "roster.identity.password-hash-cost=4",
        "roster.identity.open-sign-up=true",
        "roster.membership.single-organization=false"})
public abstract class IdentityHttpTest {

    protected static final String ADMIN_EMAIL = "admin@roster.local";
    protected static final String ADMIN_PASSWORD = "roster-admin";
    protected static final String PASSWORD = "correct horse battery";
    private static final String TOKEN_KEY = SecretBox.newKey();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        EmbeddedInfrastructure.register(registry, "identity");
        Path dataDir = Files.createTempDirectory("identity-test");
        registry.add("roster.identity.data-dir", dataDir::toString);
        registry.add("roster.secrets.token-encryption-key", () -> TOKEN_KEY);
        // each context (and database) its own invitation topic and consumer (see InvitationEventConsumer)
        String context = UUID.randomUUID().toString();
        registry.add("roster.invitation-joins.topic", () -> "roster.invitation.v1.test-" + context);
        registry.add("roster.invitation-joins.consumer-group", () -> "identity-invitations-test-" + context);
        registry.add("roster.invitation-deliveries.consumer-group", () -> "identity-invitation-deliveries-test-" + context);
    }

    @Autowired
    protected WebTestClient web;

    /** Requests wait on Kafka and the embedded Mongo: WebTestClient's 5 s default is too tight on a loaded 2-core machine. */
    @BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }
    @Autowired
    protected EventStore eventStore;
    @Value("${roster.invitation-joins.topic}")
    private String invitationTopic;
    @Autowired
    protected MongoDatabase mongo;

    protected final SecretBox secretBox = new SecretBox(TOKEN_KEY);

    /** A user who exists and can log in. */
    protected record TestUser(UUID userId, String email, String token) {
    }

    protected String adminToken() {
        return login(ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    protected String login(String email, String password) {
        return web.post().uri("/api/v1/auth/token")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password))
                .exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("accessToken").asText();
    }

    protected static String uniqueEmail(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
    }

    protected UUID createOrganization(String token, String name) {
        return UUID.fromString(body(post(token, "/api/v1/organizations", Map.of("name", name)).expectStatus().isCreated()
                .expectHeader().exists(ConsistencyToken.HEADER)).get("organizationId").asText());
    }

    /** A user created by the provider admin, with a password and these memberships ({organizationId, roles}). */
    protected TestUser createUser(String name, Object memberships) {
        String email = uniqueEmail(name);
        UUID userId = UUID.fromString(body(post(adminToken(), "/api/v1/users", Map.of("firstName", name, "lastName", "Test",
                "email", email, "password", PASSWORD, "memberships", memberships))
                .expectStatus().isCreated()).get("userId").asText());
        return new TestUser(userId, email, login(email, PASSWORD));
    }

    protected TestUser createMember(UUID organizationId, String... roles) {
        return createUser("member", List.of(Map.of("organizationId", organizationId.toString(), "roles", List.of(roles))));
    }

    protected WebTestClient.ResponseSpec post(String token, String uri, Object body) {
        return web.post().uri(uri).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected WebTestClient.ResponseSpec put(String token, String uri, Object body) {
        return web.put().uri(uri).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected WebTestClient.ResponseSpec patch(String token, String uri, Object body) {
        return web.patch().uri(uri).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected WebTestClient.ResponseSpec delete(String token, String uri) {
        return web.delete().uri(uri).headers(h -> h.setBearerAuth(token)).exchange();
    }

    protected static JsonNode body(WebTestClient.ResponseSpec response) {
        return response.expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    protected static JsonNode problem(WebTestClient.ResponseSpec response, HttpStatus status, String code) {
        JsonNode problem = response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(problem.get("code").asText()).as(problem.toString()).isEqualTo(code);
        return problem;
    }

    /** The aggregates and sequences a Consistency-Token names. */
    protected static Map<String, Long> tokenOf(EntityExchangeResult<?> result) {
        String header = result.getResponseHeaders().getFirst(ConsistencyToken.HEADER);
        assertThat(header).as("Consistency-Token").isNotNull();
        return ConsistencyToken.decode(header).sequences();
    }

    /** An aggregate's events, in order, straight from the event store (no snapshot). */
    protected List<RosterEvent> eventsOf(UUID aggregateId) {
        return eventStore.readEvents(aggregateId.toString(), 0).asStream().map(Message::getPayload)
                .map(RosterEvent.class::cast).toList();
    }

    protected <E> List<E> eventsOf(UUID aggregateId, Class<E> type) {
        return eventsOf(aggregateId).stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Says, as the notification service does, that the email of this InvitationIssued or InvitationResent went out, through
     * the platform's server or an organization's own; returns once identity has read it.
     */
    protected void publishInvitationDelivery(RosterEvent tokenEvent, UUID invitationId, String recipient, boolean viaPlatform) {
        UUID notificationId = UUID.randomUUID();
        publish(Topics.NOTIFICATION, EventEnvelope.of(new NotificationSent(UUID.randomUUID(), Instant.now(), tokenEvent.organizationId(),
                null, notificationId, tokenEvent.eventId(), NotificationKind.INVITATION, recipient, invitationId, 1, viaPlatform), 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> mongo.getCollection("invitation-deliveries-v1")
                .find(Filters.eq("_id", tokenEvent.eventId().toString())).first() != null);
    }

    /** Publishes an invitation service event where this context's identity service reads them, and waits for the broker. */
    protected void publishInvitationEvent(EventEnvelope envelope) {
        publish(invitationTopic, envelope);
    }

    protected static void publish(String topic, EventEnvelope envelope) {
        ProducerRecord<String, byte[]> encoded = new CloudEventsKafkaCodec().encode(envelope);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedInfrastructure.kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, encoded.key(), encoded.value(), encoded.headers())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
