package io.roster.kit.consumer;

import io.roster.events.CloudEventsKafkaCodec;

import java.util.List;
import java.util.Objects;

/**
 * A consumer of the event topics, as a service declares it (a bean; the runtime finds it): its consumer group, its
 * topics, its table of handlers, where it records the applied sequence of each aggregate, and whether it takes a
 * poll's records as one batch (with a {@link BatchScope}) or one at a time.
 *
 * @param group       the Kafka consumer group; also the consumer's name in metrics, readiness and dead letters
 * @param topics      the topics it reads
 * @param handlers    event type to handler
 * @param sequences   its applied sequences (a collection of its own)
 * @param batchScope  {@code null} for a record consumer
 * @param codec       how records are decoded (shared-events' codec with the catalogue's upcasters)
 * @param concurrency consumer threads (at most one per partition does work); 0: {@code spring.kafka.listener.concurrency}
 */
public record ConsumerDefinition(String group, List<String> topics, EventHandlers handlers, AppliedSequences sequences,
                                 BatchScope batchScope, CloudEventsKafkaCodec codec, int concurrency) {

    public ConsumerDefinition {
        Objects.requireNonNull(group, "group");
        topics = List.copyOf(topics);
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(sequences, "sequences");
        Objects.requireNonNull(codec, "codec");
        if (topics.isEmpty()) {
            throw new IllegalArgumentException(group + " reads no topic");
        }
    }

    /** A consumer that takes records one at a time. */
    public static ConsumerDefinition records(String group, List<String> topics, EventHandlers handlers, AppliedSequences sequences) {
        return new ConsumerDefinition(group, topics, handlers, sequences, null, new CloudEventsKafkaCodec(), 0);
    }

    /** A consumer that takes a poll's records as one batch: one read and one bulk write of sequences per poll. */
    public static ConsumerDefinition batches(String group, List<String> topics, EventHandlers handlers, AppliedSequences sequences,
                                             BatchScope scope) {
        return new ConsumerDefinition(group, topics, handlers, sequences, Objects.requireNonNull(scope, "scope"),
                new CloudEventsKafkaCodec(), 0);
    }

    public ConsumerDefinition withCodec(CloudEventsKafkaCodec codec) {
        return new ConsumerDefinition(group, topics, handlers, sequences, batchScope, codec, concurrency);
    }

    public ConsumerDefinition withConcurrency(int concurrency) {
        return new ConsumerDefinition(group, topics, handlers, sequences, batchScope, codec, concurrency);
    }

    public boolean batch() {
        return batchScope != null;
    }

    BatchScope scope() {
        return batchScope == null ? BatchScope.NONE : batchScope;
    }
}
