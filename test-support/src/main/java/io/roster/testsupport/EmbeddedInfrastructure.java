package io.roster.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import io.roster.testsupport.mongo.SnapshotMemoryBackend;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * One real Kafka broker (KRaft) and one MongoDB-wire server per test JVM, started on first use on
 * random loopback ports and stopped when the JVM ends. Every Spring test context gets its own
 * database, so contexts do not see each other's data.
 */
public final class EmbeddedInfrastructure {

    private static EmbeddedKafkaKraftBroker kafka;
    private static MongoServer mongo;
    private static String mongoUri;

    private EmbeddedInfrastructure() {
    }

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            kafka = new EmbeddedKafkaKraftBroker(1, 6);
            kafka.brokerProperty("auto.create.topics.enable", "true");
            // Kept forever, like the real event topics: with Kafka's 7-day default, the retention check 30 s after
            // start deletes every record a test wrote with an old timestamp (TopicReplayTest failed in CI that way).
            kafka.brokerProperty("log.retention.ms", "-1");
            kafka.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy, "embedded-kafka-stop"));
        }
        return kafka.getBrokersAsString();
    }

    public static synchronized String mongoUri() {
        if (mongo == null) {
            mongo = new MongoServer(new SnapshotMemoryBackend());
            mongo.bind("127.0.0.1", 0);
            InetSocketAddress address = mongo.getLocalAddress();
            mongoUri = "mongodb://127.0.0.1:" + address.getPort();
            Runtime.getRuntime().addShutdownHook(new Thread(mongo::shutdownNow, "embedded-mongo-stop"));
        }
        return mongoUri;
    }

    /** The records of {@code topic} keyed {@code key} (one aggregate's), from the start, once at least {@code count} are there. */
    public static List<ConsumerRecord<String, byte[]>> records(String topic, String key, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                }
                return found.size() >= count;
            });
        }
        return found;
    }

    /** Points a Spring test context at the embedded servers, with a fresh database of its own. */
    public static void register(DynamicPropertyRegistry registry, String databasePrefix) {
        String database = databasePrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        registry.add("spring.kafka.bootstrap-servers", EmbeddedInfrastructure::kafkaBootstrapServers);
        registry.add("roster.mongo.uri", EmbeddedInfrastructure::mongoUri);
        registry.add("roster.mongo.database", () -> database);
        registry.add("roster.kafka.topics.partitions", () -> "2");
    }
}
