package io.roster.notification;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.notification.NotificationFailed;
import io.roster.kit.secrets.SecretBox;
import io.roster.notification.smtp.MailGateway;
import io.roster.notification.smtp.OutgoingEmail;
import io.roster.notification.smtp.SmtpFailure;
import io.roster.notification.smtp.SmtpServer;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.roster.notification.TestEnvironment.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service dies (a) after the SMTP server accepted an email and before it recorded that, and (b)
 * while connecting for another one; a fresh instance on the same database then re-reads the same
 * records from Kafka. The chosen outcome: (a) is not sent again, it is {@code unknown} in the delivery
 * log and a NotificationFailed says so (at most once); (b) never reached the server and is sent once.
 */
class InFlightCrashTest {

    static final MailServer MAIL = MailServer.open();
    static final Duration WAIT = Duration.ofSeconds(30);

    @AfterAll
    static void stopMail() {
        MAIL.close();
    }

    @Test
    void aServiceKilledMidSendNeverSendsTwiceAndAFreshInstanceRecordsTheOutcomeAsUnknown() throws Exception {
        String database = "notification-crash-" + UUID.randomUUID().toString().substring(0, 8);
        UUID org = UUID.randomUUID();
        UUID admin = UUID.randomUUID();
        String afterSend = "after-send-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String whileConnecting = "while-connecting-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String sentinel = "sentinel-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

        try (KafkaProducer<String, byte[]> producer = producer();
             MongoClient mongoClient = MongoClients.create(EmbeddedInfrastructure.mongoUri())) {
            MongoCollection<Document> deliveries = mongoClient.getDatabase(database).getCollection("deliveries-v1");

            ConfigurableApplicationContext first = start(database, true);
            publish(producer, new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Crash Test Dummies"), 0, null);
            publish(producer, new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(),
                    JoinPath.DIRECT, null), 1, null);

            // (a) the server accepts the email, then the process freezes before recording it
            Hang.afterSendTo = afterSend;
            InvitationIssued sentThenKilled = invitation(org, admin, afterSend);
            publish(producer, sentThenKilled, 0, 0);
            await().atMost(WAIT).until(() -> MAIL.to(afterSend).size() == 1 && "sending".equals(status(deliveries, sentThenKilled)));

            // (b) the next attempt freezes while connecting: nothing can have been delivered
            Hang.nextConnect.set(true);
            InvitationIssued killedWhileConnecting = invitation(org, admin, whileConnecting);
            publish(producer, killedWhileConnecting, 0, 0);
            await().atMost(WAIT).until(() -> Hang.connectsHanging.getCount() == 0 && "claimed".equals(status(deliveries, killedWhileConnecting)));

            // the process dies: nothing it does from now on reaches MongoDB, Kafka or the SMTP server
            first.close();

            // a fresh instance on the same database, with a fresh consumer that reads the same records again
            ConfigurableApplicationContext second = start(database, false);
            try {
                // the dead instance reads nothing any more: the sentinel's delivery is the fresh consumer's, and that
                // consumer read the two records before it on the same partition again first
                InvitationIssued behind = invitation(org, admin, sentinel);
                publish(producer, behind, 0, 0);
                await().atMost(WAIT).until(() -> status(deliveries, behind) != null);

                await().atMost(WAIT).until(() -> "unknown".equals(status(deliveries, sentThenKilled)));
                await().atMost(WAIT).until(() -> "sent".equals(status(deliveries, killedWhileConnecting)));
                assertThat(MAIL.to(afterSend)).hasSize(1);
                await().atMost(WAIT).until(() -> MAIL.to(whileConnecting).size() == 1 && MAIL.to(sentinel).size() == 1);
                for (InvitationIssued event : List.of(sentThenKilled, killedWhileConnecting)) {
                    assertThat(deliveries.countDocuments(Filters.eq("triggeringEventId", event.eventId().toString()))).isEqualTo(1);
                }
                assertThat(deliveries.find(Filters.eq("triggeringEventId", killedWhileConnecting.eventId().toString())).first()
                        .getInteger("attempts")).isEqualTo(2);

                WebTestClient web = WebTestClient.bindToServer()
                        .baseUrl("http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port")).build();
                String token = TestTokenIssuer.get().tokenFor(admin, "admin@crash.test", List.of());
                web.get().uri("/api/v1/organizations/{id}/notifications?status=unknown", org).headers(h -> h.setBearerAuth(token))
                        .exchange().expectStatus().isOk().expectBody()
                        .jsonPath("$.items.length()").isEqualTo(1)
                        .jsonPath("$.items[0].recipient").isEqualTo(afterSend)
                        .jsonPath("$.items[0].lastError").value(e -> assertThat((String) e).contains("outcome unknown", "not sent again"));

                try (TopicReader outcomes = new TopicReader(Topics.NOTIFICATION)) {
                    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes.records().stream()
                            .map(TestEnvironment::decode).map(EventEnvelope::event)
                            .filter(e -> e instanceof NotificationFailed f && f.triggeringEventId().equals(sentThenKilled.eventId())))
                            .singleElement().satisfies(e -> assertThat(((NotificationFailed) e).error()).contains("outcome unknown")));
                }
            } finally {
                // the frozen threads of the dead instance wake up: they can no longer write or send anything
                Hang.release.countDown();
                second.close();
            }
            assertThat(MAIL.to(afterSend)).hasSize(1);
            assertThat(MAIL.to(whileConnecting)).hasSize(1);
            assertThat(status(deliveries, sentThenKilled)).isEqualTo("unknown");
        }
    }

    // ---------------------------------------------------------------- the frozen SMTP gateway

    /** What the frozen instance does: hang after a given recipient's email was accepted, or in its next connect. */
    static final class Hang {
        static volatile String afterSendTo;
        static final AtomicBoolean nextConnect = new AtomicBoolean();
        static final CountDownLatch connectsHanging = new CountDownLatch(1);
        static final CountDownLatch release = new CountDownLatch(1);

        static void freeze() {
            try {
                release.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wraps the service's SMTP gateway of the instance that is going to die. */
    @Configuration(proxyBeanMethods = false)
    static class FreezingMail {
        @Bean
        static BeanPostProcessor freezingMailGateway() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    return bean instanceof MailGateway gateway ? new FreezingGateway(gateway) : bean;
                }
            };
        }
    }

    record FreezingGateway(MailGateway delegate) implements MailGateway {
        @Override
        public MailConnection connect(SmtpServer server) throws SmtpFailure {
            if (Hang.nextConnect.compareAndSet(true, false)) {
                Hang.connectsHanging.countDown();
                Hang.freeze();
            }
            MailConnection connection = delegate.connect(server);
            return new MailConnection() {
                @Override
                public void send(OutgoingEmail email) throws SmtpFailure {
                    connection.send(email);
                    if (email.to().equals(Hang.afterSendTo)) {
                        Hang.freeze();
                    }
                }

                @Override
                public void close() {
                    connection.close();
                }
            };
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ConfigurableApplicationContext start(String database, boolean freezing) {
        Map<String, Object> properties = new LinkedHashMap<>();
        TestEnvironment.properties(MAIL.port()).forEach((name, value) -> properties.put(name, value.get()));
        properties.put("spring.kafka.bootstrap-servers", EmbeddedInfrastructure.kafkaBootstrapServers());
        properties.put("roster.mongo.uri", EmbeddedInfrastructure.mongoUri());
        properties.put("roster.mongo.database", database);
        properties.put("roster.kafka.topics.partitions", 2);
        properties.put("roster.auth.jwks-uri", TestTokenIssuer.get().jwksUri());
        properties.put("roster.auth.issuer", TestTokenIssuer.get().issuer());
        properties.put("server.port", 0);
        // the dying instance's leases run out soon after it dies; the fresh instance's own leases never do here
        properties.put("roster.notification.delivery.lease", freezing ? "5s" : "30s");
        properties.put("roster.notification.delivery.heartbeat-interval", "1s");
        properties.put("roster.notification.delivery.shutdown-wait", "500ms");
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        List<Class<?>> sources = new ArrayList<>(List.of(NotificationApplication.class));
        if (freezing) {
            sources.add(FreezingMail.class);
        }
        return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(args.toArray(String[]::new));
    }

    private static InvitationIssued invitation(UUID org, UUID admin, String email) {
        String token = SecretBox.newToken();
        return new InvitationIssued(UUID.randomUUID(), Instant.now(), org, admin, UUID.randomUUID(), email, "Crash", "Test",
                List.of("member"), List.of(), Instant.now().plus(1, ChronoUnit.DAYS), SecretBox.hash(token), SECRETS.seal(token), null);
    }

    private static String status(MongoCollection<Document> deliveries, InvitationIssued event) {
        Document d = deliveries.find(Filters.eq("triggeringEventId", event.eventId().toString())).first();
        return d == null ? null : d.getString("status");
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static RecordMetadata publish(KafkaProducer<String, byte[]> producer, RosterEvent event, long sequence, Integer partition)
            throws Exception {
        ProducerRecord<String, byte[]> encoded = new CloudEventsKafkaCodec().encode(
                new EventEnvelope(event, event.aggregateId().toString(), sequence, null, null));
        return producer.send(new ProducerRecord<>(encoded.topic(), partition, encoded.key(), encoded.value(), encoded.headers()))
                .get(10, TimeUnit.SECONDS);
    }
}
