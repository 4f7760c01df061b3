package io.roster.query.rebuild;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the event topics from their first record with a plain consumer of its own: every partition
 * assigned, no consumer group, nothing committed, so the live consumer's group never notices it.
 *
 * <p>{@link #readUpTo} hands the records below the given offsets to a sink, <em>oldest first across
 * partitions</em> (a merge by record timestamp; within a partition, offset order): the projections then
 * see the topics' records interleaved as they were when first published, which is as close as a replay
 * can come to the order the live consumer applied them in. Records fetched past an offset stay buffered
 * for the next call.
 */
final class TopicReplay implements AutoCloseable {

    /** A partition this far ahead of the others is not fetched until they caught up. */
    private static final int MAX_BUFFERED_PER_PARTITION = 4000;
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> beginning;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> buffers = new HashMap<>();
    private final Duration stallTimeout;

    private TopicReplay(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Duration stallTimeout) {
        this.consumer = consumer;
        this.partitions = partitions;
        this.stallTimeout = stallTimeout;
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.beginning = consumer.beginningOffsets(partitions);
        partitions.forEach(p -> buffers.put(p, new ArrayDeque<>()));
    }

    /**
     * @param kafka the service's consumer configuration (servers, security); group and deserializers are replaced
     */
    static TopicReplay open(Map<String, Object> kafka, Collection<String> topics, Duration stallTimeout) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "projection-rebuild");
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(30));
            for (String topic : topics) {
                existing.getOrDefault(topic, List.of()).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            return new TopicReplay(consumer, partitions, stallTimeout);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    List<TopicPartition> partitions() {
        return partitions;
    }

    /** The first offset of every partition: where a partition the live consumer never committed would start. */
    Map<TopicPartition, Long> beginningOffsets() {
        return beginning;
    }

    /** The offset after the last record of every partition, now. */
    Map<TopicPartition, Long> endOffsets() {
        return new LinkedHashMap<>(consumer.endOffsets(partitions));
    }

    /** How many records are left below {@code targets}. */
    long remaining(Map<TopicPartition, Long> targets) {
        long remaining = 0;
        for (TopicPartition partition : partitions) {
            remaining += Math.max(0, targets.getOrDefault(partition, 0L) - next(partition));
        }
        return remaining;
    }

    /** Hands every record below {@code targets} to {@code sink}, oldest first across partitions. */
    void readUpTo(Map<TopicPartition, Long> targets, Consumer<ConsumerRecord<String, byte[]>> sink) {
        long lastProgress = System.nanoTime();
        while (true) {
            TopicPartition oldest = null;
            boolean starving = false;
            for (TopicPartition partition : partitions) {
                long target = targets.getOrDefault(partition, 0L);
                if (next(partition) >= target) {
                    continue;
                }
                ConsumerRecord<String, byte[]> head = buffers.get(partition).peek();
                if (head == null) {
                    // a partition without a buffered record may hold the oldest one: fetch before choosing
                    starving = true;
                    break;
                }
                if (oldest == null || head.timestamp() < buffers.get(oldest).peek().timestamp()) {
                    oldest = partition;
                }
            }
            if (starving) {
                if (fetch(targets) > 0) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                    throw new IllegalStateException("No record arrived for " + stallTimeout.toSeconds()
                            + " s while replaying up to " + targets);
                }
            } else if (oldest == null) {
                return;
            } else {
                sink.accept(buffers.get(oldest).poll());
            }
        }
    }

    /** One poll, for the partitions still short of their target and not far ahead of the others. */
    private int fetch(Map<TopicPartition, Long> targets) {
        Set<TopicPartition> wanted = new HashSet<>();
        for (TopicPartition partition : partitions) {
            if (next(partition) < targets.getOrDefault(partition, 0L) && buffers.get(partition).size() < MAX_BUFFERED_PER_PARTITION) {
                wanted.add(partition);
            }
        }
        Set<TopicPartition> others = new HashSet<>(partitions);
        others.removeAll(wanted);
        consumer.pause(others);
        consumer.resume(wanted);
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        for (ConsumerRecord<String, byte[]> record : records) {
            buffers.get(new TopicPartition(record.topic(), record.partition())).add(record);
        }
        return records.count();
    }

    /** The offset of the next record this replay hands out of the partition. */
    private long next(TopicPartition partition) {
        ConsumerRecord<String, byte[]> head = buffers.get(partition).peek();
        // with nothing buffered, the consumer's position: it is also past control records, which have no record
        return head != null ? head.offset() : consumer.position(partition);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
