package io.roster.invitation;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every record on {@code roster.invitation.v1}, kept by key (the aggregate id) as a consumer of the topic would see
 * it, so a test can count how often an event reached Kafka. Its own consumer group, from the earliest offset; the
 * records of other tests on the shared broker are kept but never decoded. Not thread-safe: poll it from one thread.
 */
final class InvitationTopicRecorder implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, List<ConsumerRecord<String, byte[]>>> recordsByKey = new HashMap<>();
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();

    InvitationTopicRecorder() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-recorder-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.INVITATION));
    }

    /** Takes whatever arrived since the last call. */
    InvitationTopicRecorder poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            recordsByKey.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(record);
        }
        return this;
    }

    /** The events of one aggregate so far, in the order Kafka delivered them. */
    List<RosterEvent> events(UUID aggregateId) {
        return recordsByKey.getOrDefault(aggregateId.toString(), List.of()).stream()
                .map(record -> codec.decode(record).event())
                .toList();
    }

    long count(UUID aggregateId, Class<? extends RosterEvent> type) {
        return events(aggregateId).stream().filter(type::isInstance).count();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
