package io.roster.query.rebuild;

import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay's own consumer on the real broker: oldest record first across partitions, and never past a target. */
class TopicReplayTest {

    private final String topic = "replay-test-" + UUID.randomUUID();
    private final Map<String, Object> kafka = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "must-be-ignored");

    @Test
    void recordsComeOldestFirstAcrossPartitionsUpToTheTargetAndTheRestWaitsForTheNextRead() throws Exception {
        createTopic(3);
        // partition 0 holds the oldest and the newest, partition 2 the middle: offset order per partition, time order across
        send(0, 1_000, "a");
        send(1, 2_000, "b");
        send(2, 3_000, "c");
        send(0, 4_000, "d");
        send(1, 5_000, "e");
        send(2, 6_000, "f");

        try (TopicReplay replay = TopicReplay.open(kafka, List.of(topic, "no-such-topic-" + UUID.randomUUID()), Duration.ofSeconds(30))) {
            assertThat(replay.partitions()).hasSize(3);
            Map<TopicPartition, Long> end = replay.endOffsets();
            assertThat(replay.remaining(end)).isEqualTo(6);

            // a target short of the end in partition 0: "d" stays behind
            Map<TopicPartition, Long> target = new HashMap<>(end);
            target.put(new TopicPartition(topic, 0), 1L);
            List<String> first = new ArrayList<>();
            replay.readUpTo(target, record -> first.add(value(record)));
            assertThat(first).containsExactly("a", "b", "c", "e", "f");
            assertThat(replay.remaining(end)).isEqualTo(1);

            send(1, 7_000, "g");
            List<String> then = new ArrayList<>();
            replay.readUpTo(replay.endOffsets(), record -> then.add(value(record)));
            assertThat(then).containsExactly("d", "g");
        }
    }

    private void createTopic(int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private void send(int partition, long timestamp, String value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedInfrastructure.kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, timestamp, value, value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static String value(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
