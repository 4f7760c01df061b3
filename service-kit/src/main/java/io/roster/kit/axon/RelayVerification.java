package io.roster.kit.axon;

import com.mongodb.client.model.Projections;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventCatalog;
import io.roster.events.RosterEvent;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.roster.kit.axon.OutboxStorageStrategy.FIELDS;
import static io.roster.kit.axon.OutboxStorageStrategy.PENDING;

/**
 * The operator's relay check: per aggregate, the events the event store holds against the records its topic holds,
 * read from the first offset up to the end as it was when the check began (by the {@code ce_aggregateid} and
 * {@code ce_aggregatesequence} headers, without decoding the values). It looks at Kafka itself, not at the relay's
 * bookkeeping, so it also finds events the relay of an earlier version skipped. The store is read first: an event
 * stored during the check is either on the topic by the time it is read or reported missing, then flagged as still
 * waiting for the relay.
 *
 * <p>Memory: two bits per stored event and one entry per aggregate; time: one pass over the event store and one over
 * the topics (bounded by {@code roster.relay.verify-timeout}).
 */
class RelayVerification {

    private static final Logger log = LoggerFactory.getLogger(RelayVerification.class);
    private static final String AGGREGATE_HEADER = "ce_" + CloudEventsKafkaCodec.AGGREGATE_ID;
    private static final String SEQUENCE_HEADER = "ce_" + CloudEventsKafkaCodec.SEQUENCE;
    /** Events republished per pass: each pass waits for Kafka and records before the next begins. */
    private static final int REPUBLISH_CHUNK = 500;

    private final UnpublishedEvents store;
    private final ConsumerFactory<String, byte[]> consumers;
    private final PublicationPasses passes;
    private final Duration timeout;

    RelayVerification(UnpublishedEvents store, ConsumerFactory<String, byte[]> consumers, PublicationPasses passes,
                      Duration timeout) {
        this.store = store;
        this.consumers = consumers;
        this.passes = passes;
        this.timeout = timeout;
    }

    /**
     * What the check found.
     *
     * @param topics                the topics the store's events belong on
     * @param storedEvents          events in the store that the relay publishes (Roster events)
     * @param aggregates            aggregates they belong to
     * @param recordsRead           records read from the topics (copies and other services' aggregates included)
     * @param missingEvents         stored events not on their topic
     * @param waitingEvents         of those, the ones still flagged in the store: the relay has yet to publish them
     * @param aggregatesWithMissing aggregates with at least one missing event
     * @param differences           the first of those aggregates (by id), each with its first missing events
     * @param republished           events published again by this request (POST only)
     */
    record Report(List<String> topics, Instant checkedAt, long storedEvents, long aggregates, long recordsRead,
                  long missingEvents, long waitingEvents, long aggregatesWithMissing, List<Difference> differences,
                  long republished) {
    }

    /** One aggregate with stored events missing from its topic. */
    record Difference(String aggregateId, String topic, long stored, long published, long missing,
                      List<MissingEvent> firstMissing) {
    }

    /** @param waiting still flagged in the store: the relay has yet to publish it */
    record MissingEvent(long sequence, String type, Instant timestamp, boolean waiting) {
    }

    /** The topics took longer than {@code roster.relay.verify-timeout} to read. */
    static final class CheckTimedOut extends RuntimeException {
        CheckTimedOut(String message) {
            super(message);
        }
    }

    /** Compares store and topics; lists at most {@code limit} aggregates, each with at most {@code limit} missing events. */
    Report check(int limit) {
        return report(compare(), limit, 0);
    }

    /** Compares store and topics, then publishes every missing event again, each aggregate's in sequence order. */
    Report republishMissing(int limit) throws Exception {
        Comparison comparison = compare();
        long republished = 0;
        PublicationPass pass = passes.start(PublicationPasses.RepairedBy.OPERATOR);
        int inPass = 0;
        for (Map.Entry<String, StoredAggregate> entry : comparison.aggregates().entrySet()) {
            BitSet missing = entry.getValue().missing();
            if (missing.isEmpty()) {
                continue;
            }
            DomainEventStream stored = store.read(entry.getKey(), missing.nextSetBit(0));
            int last = missing.length() - 1;
            while (stored.hasNext() && stored.peek().getSequenceNumber() <= last) {
                DomainEventMessage<?> event = stored.next();
                if (missing.get((int) event.getSequenceNumber()) && event.getPayload() instanceof RosterEvent) {
                    pass.publishAgain(event);
                    inPass++;
                }
            }
            if (inPass >= REPUBLISH_CHUNK) {
                republished += pass.complete();
                inPass = 0;
            }
        }
        republished += pass.complete();
        log.warn("Relay check: {} stored events were missing from {}; published {} of them again", comparison.missingEvents(),
                comparison.topics(), republished);
        return report(comparison, limit, republished);
    }

    private record StoredAggregate(String topic, BitSet stored, BitSet waiting, BitSet published) {
        BitSet missing() {
            BitSet missing = (BitSet) stored.clone();
            missing.andNot(published);
            return missing;
        }
    }

    private record Comparison(TreeMap<String, StoredAggregate> aggregates, List<String> topics, long storedEvents,
                              long recordsRead) {
        long missingEvents() {
            return aggregates.values().stream().mapToLong(a -> a.missing().cardinality()).sum();
        }
    }

    private Comparison compare() {
        TreeMap<String, StoredAggregate> aggregates = new TreeMap<>();
        Map<String, Optional<String>> topicOfType = new HashMap<>();
        long storedEvents = 0;
        for (Document event : store.events().find().projection(Projections.include(FIELDS.aggregateIdentifierProperty(),
                FIELDS.sequenceNumberProperty(), FIELDS.payloadTypeProperty(), PENDING))) {
            Optional<String> topic = topicOfType.computeIfAbsent(event.getString(FIELDS.payloadTypeProperty()),
                    RelayVerification::topicOf);
            if (topic.isEmpty()) {
                continue;
            }
            StoredAggregate aggregate = aggregates.computeIfAbsent(event.getString(FIELDS.aggregateIdentifierProperty()),
                    id -> new StoredAggregate(topic.get(), new BitSet(), new BitSet(), new BitSet()));
            int sequence = ((Number) event.get(FIELDS.sequenceNumberProperty())).intValue();
            aggregate.stored().set(sequence);
            if (Boolean.TRUE.equals(event.get(PENDING))) {
                aggregate.waiting().set(sequence);
            }
            storedEvents++;
        }
        List<String> topics = List.copyOf(new TreeSet<>(aggregates.values().stream().map(StoredAggregate::topic).toList()));
        long deadline = System.nanoTime() + timeout.toNanos();
        long records = 0;
        for (String topic : topics) {
            records += readTopic(topic, aggregates, deadline);
        }
        return new Comparison(aggregates, topics, storedEvents, records);
    }

    private long readTopic(String topic, Map<String, StoredAggregate> aggregates, long deadline) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        long records = 0;
        try (Consumer<String, byte[]> consumer = consumers.createConsumer(null, "relay-verify", null, overrides)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new CheckTimedOut("Reading " + topic + " took longer than " + timeout + " (roster.relay.verify-timeout)");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    StoredAggregate aggregate = aggregates.get(header(record, AGGREGATE_HEADER));
                    String sequence = header(record, SEQUENCE_HEADER);
                    if (aggregate != null && sequence != null) {
                        long value = Long.parseLong(sequence);
                        if (value >= 0 && value <= Integer.MAX_VALUE) {
                            aggregate.published().set((int) value);
                        }
                    }
                }
            }
        }
        return records;
    }

    private Report report(Comparison comparison, int limit, long republished) {
        List<Difference> differences = new ArrayList<>();
        long missingEvents = 0;
        long waitingEvents = 0;
        long aggregatesWithMissing = 0;
        for (Map.Entry<String, StoredAggregate> entry : comparison.aggregates().entrySet()) {
            StoredAggregate aggregate = entry.getValue();
            BitSet missing = aggregate.missing();
            if (missing.isEmpty()) {
                continue;
            }
            aggregatesWithMissing++;
            missingEvents += missing.cardinality();
            BitSet waiting = (BitSet) missing.clone();
            waiting.and(aggregate.waiting());
            waitingEvents += waiting.cardinality();
            if (differences.size() < limit) {
                List<MissingEvent> first = new ArrayList<>();
                for (int sequence = missing.nextSetBit(0); sequence >= 0 && first.size() < limit; sequence = missing.nextSetBit(sequence + 1)) {
                    Optional<UnpublishedEvents.StoredEvent> stored = store.find(entry.getKey(), sequence);
                    String type = stored.map(UnpublishedEvents.StoredEvent::payloadType)
                            .map(name -> name.substring(name.lastIndexOf('.') + 1)).orElse(null);
                    first.add(new MissingEvent(sequence, type, stored.map(UnpublishedEvents.StoredEvent::timestamp).orElse(null),
                            aggregate.waiting().get(sequence)));
                }
                BitSet onTopic = (BitSet) aggregate.stored().clone();
                onTopic.and(aggregate.published());
                differences.add(new Difference(entry.getKey(), aggregate.topic(), aggregate.stored().cardinality(),
                        onTopic.cardinality(), missing.cardinality(), first));
            }
        }
        return new Report(comparison.topics(), Instant.now(), comparison.storedEvents(), comparison.aggregates().size(),
                comparison.recordsRead(), missingEvents, waitingEvents, aggregatesWithMissing, differences, republished);
    }

    /** The topic a stored payload type is relayed to; empty for anything the relay does not publish. */
    private static Optional<String> topicOf(String payloadType) {
        try {
            Class<?> type = Class.forName(payloadType, false, RelayVerification.class.getClassLoader());
            return RosterEvent.class.isAssignableFrom(type)
                    ? Optional.of(EventCatalog.of(type).context().topic())
                    : Optional.empty();
        } catch (ClassNotFoundException | RuntimeException e) {
            log.warn("Relay check: stored payload type {} is not a known Roster event; its events are not checked", payloadType);
            return Optional.empty();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
