package io.roster.identity;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.Topics;
import io.roster.events.identity.OrganizationCreated;
import io.roster.kit.secrets.SecretBox;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event store is the outbox: an event appended while Kafka cannot take it is published once the
 * service runs again with Kafka reachable, exactly as if the process had died between append and publish.
 * Runs on the embedded servers always and on real Kafka and MongoDB images where Docker exists.
 */
abstract class RelayAfterRestartContract {

    abstract String kafkaBootstrapServers();

    abstract String mongoUri();

    @Test
    void anEventAppendedWhileKafkaIsUnreachableIsPublishedAfterTheRestart() throws IOException {
        String database = "identity-relay-" + UUID.randomUUID().toString().substring(0, 8);
        String dataDir = Files.createTempDirectory("identity-relay").toString();
        String organizationId;

        try (var withoutKafka = start(database, dataDir, "127.0.0.1:" + closedPort())) {
            WebTestClient web = client(withoutKafka);
            organizationId = web.post().uri("/api/v1/organizations")
                    .headers(h -> h.setBearerAuth(login(web)))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("name", "Outbox Ltd"))
                    .exchange()
                    .expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody()
                    .get("organizationId").toString();
        }
        assertThat(recordsOf(organizationId, Duration.ofSeconds(2))).isEmpty();

        try (var withKafka = start(database, dataDir, kafkaBootstrapServers())) {
            List<String> types = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                types.clear();
                recordsOf(organizationId, Duration.ofSeconds(1)).forEach(r -> types.add(r.event().getClass().getSimpleName()));
                assertThat(types).contains(OrganizationCreated.class.getSimpleName());
            });
            assertThat(types).containsExactly("OrganizationCreated", "MemberAdded");
        }
    }

    private ConfigurableApplicationContext start(String database, String dataDir, String kafka) {
        return new SpringApplicationBuilder(IdentityApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka,
                "--spring.kafka.producer.properties.max.block.ms=2000",
                "--spring.kafka.admin.operation-timeout=2s",
                "--spring.kafka.admin.properties.default.api.timeout.ms=2000",
                "--spring.kafka.admin.properties.request.timeout.ms=1000",
                "--roster.mongo.uri=" + mongoUri(),
                "--roster.mongo.database=" + database,
                "--roster.kafka.topics.partitions=2",
                "--roster.identity.data-dir=" + dataDir,
                "--roster.secrets.token-encryption-key=" + SecretBox.newKey());
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        int port = ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static String login(WebTestClient web) {
        return web.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "admin@roster.local", "password", "roster-admin"))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("accessToken").toString();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private List<io.roster.events.EventEnvelope> recordsOf(String key, Duration pollFor) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "relay-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
        List<io.roster.events.EventEnvelope> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.IDENTITY));
            long deadline = System.nanoTime() + pollFor.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(codec.decode(r));
                    }
                });
            }
        }
        return found;
    }
}
