package io.roster.notification;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What every notification-service test context shares: servers, key, fast retries, its own consumer group. */
public final class TestEnvironment {

    /** The token encryption key the tests seal tokens with, as the invitation and identity services would. */
    public static final String KEY = SecretBox.newKey();
    public static final SecretBox SECRETS = new SecretBox(KEY);
    public static final String PUBLIC_BASE_URL = "https://roster.example";
    public static final String PLATFORM_SENDER = "no-reply@roster.test";

    private static final CloudEventsKafkaCodec CODEC = new CloudEventsKafkaCodec();

    private TestEnvironment() {
    }

    /** The properties of a test context: embedded Kafka and Mongo, a fresh database and consumer group, fast backoff. */
    public static Map<String, Supplier<Object>> properties(int platformSmtpPort) {
        Map<String, Supplier<Object>> p = new LinkedHashMap<>();
        String group = "notification-test-" + UUID.randomUUID();
        p.put("spring.kafka.consumer.group-id", () -> group);
        p.put("roster.secrets.token-encryption-key", () -> KEY);
        p.put("roster.smtp.host", () -> "127.0.0.1");
        p.put("roster.smtp.port", () -> platformSmtpPort);
        p.put("roster.smtp.sender-address", () -> PLATFORM_SENDER);
        p.put("roster.smtp.connect-timeout", () -> "2s");
        p.put("roster.smtp.timeout", () -> "5s");
        p.put("roster.notification.public-base-url", () -> PUBLIC_BASE_URL);
        p.put("roster.notification.email-settings.allowed-ports", () -> "");
        // the organizations' own SMTP servers of these tests are GreenMail on 127.0.0.1, sending as these domains
        p.put("roster.notification.allow-private-smtp-hosts", () -> "true");
        p.put("roster.notification.allowed-sender-domains", () -> "own-server.test,settings.test");
        p.put("roster.notification.delivery.workers", () -> 4);
        p.put("roster.notification.delivery.poll-interval", () -> "100ms");
        p.put("roster.notification.delivery.initial-backoff", () -> "200ms");
        p.put("roster.notification.delivery.backoff-multiplier", () -> 2);
        p.put("roster.notification.delivery.max-backoff", () -> "1s");
        p.put("roster.notification.delivery.max-attempts", () -> 40);
        p.put("roster.notification.delivery.maintenance-interval", () -> "200ms");
        p.put("roster.notification.delivery.outbox-retry-after", () -> "2s");
        return p;
    }

    public static void register(DynamicPropertyRegistry registry, Supplier<Integer> platformSmtpPort) {
        EmbeddedInfrastructure.register(registry, "notification");
        TestTokenIssuer.register(registry);
        properties(0).forEach((name, value) -> {
            if (!name.equals("roster.smtp.port")) {
                registry.add(name, value);
            }
        });
        registry.add("roster.smtp.port", platformSmtpPort::get);
    }

    /** Produces an event as its service would (CloudEvents binary mode), optionally to a chosen partition. */
    public static void publish(KafkaTemplate<String, byte[]> kafka, RosterEvent event, long sequence, Integer partition) {
        ProducerRecord<String, byte[]> encoded = CODEC.encode(new EventEnvelope(event, event.aggregateId().toString(), sequence,
                "test-" + event.eventId(), null));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(encoded.topic(), partition, encoded.key(), encoded.value(),
                encoded.headers());
        try {
            kafka.send(record).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce " + event, e);
        }
    }

    public static EventEnvelope decode(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        return CODEC.decode(record);
    }
}
