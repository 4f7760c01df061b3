package io.roster.identity.relay;

import io.roster.events.Topics;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.identity.IdentityHttpTest;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.MetaData;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the relay tests share: appending to the event store directly, with the timestamp a late event would carry,
 * and reading an aggregate's sequences back from the identity topic.
 */
abstract class RelayHttpTest extends IdentityHttpTest {

    @Autowired
    protected EventStorageEngine storage;
    @Autowired
    protected MeterRegistry meters;

    /**
     * Creates an organization and waits until its events are on the topic: the relay's token is then at their
     * timestamp, which this answers.
     */
    protected Instant relayMovesPastNow(String admin) {
        UUID other = createOrganization(admin, "Moves the relay on");
        awaitSequences(other, List.of(0L, 1L));
        return eventStore.readEvents(other.toString(), 0).asStream()
                .map(DomainEventMessage::getTimestamp).max(Comparator.naturalOrder()).orElseThrow();
    }

    /** The organization's next event as another process would append it, stamped {@code timestamp}. */
    protected DomainEventMessage<?> renamed(UUID organization, long sequence, Instant timestamp, String name) {
        String aggregateType = eventStore.readEvents(organization.toString(), 0).next().getType();
        return new GenericDomainEventMessage<>(aggregateType, organization.toString(), sequence,
                new OrganizationRenamed(UUID.randomUUID(), timestamp, organization, null, name),
                MetaData.emptyInstance(), UUID.randomUUID().toString(), timestamp);
    }

    /** Waits until the aggregate's sequences reached the topic exactly in this order (copies after the first ignored). */
    protected static void awaitSequences(UUID aggregate, List<Long> expected) {
        await("sequences " + expected + " of " + aggregate + " on " + Topics.IDENTITY).atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(firstOccurrences(aggregate.toString())).isEqualTo(expected));
    }

    /** The aggregate's sequences on the identity topic in offset order, each at its first occurrence. */
    protected static List<Long> firstOccurrences(String aggregateId) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers());
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.IDENTITY, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (aggregateId.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
        }
        LinkedHashSet<Long> sequences = new LinkedHashSet<>();
        found.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .map(r -> Long.parseLong(new String(r.headers().lastHeader("ce_aggregatesequence").value(), StandardCharsets.UTF_8)))
                .forEach(sequences::add);
        return List.copyOf(sequences);
    }

    /** {@code roster.relay.lag} as the service's meter registry has it (Spring's tests export no Prometheus page). */
    protected double relayLag() {
        Gauge gauge = meters.find("roster.relay.lag").gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    /** Events the relay published from the event store, found by {@code order}, {@code sweep} or {@code operator}. */
    protected double repaired(String by) {
        Counter counter = meters.find("roster.relay.repaired.events").tag("by", by).counter();
        return counter == null ? 0 : counter.count();
    }
}
