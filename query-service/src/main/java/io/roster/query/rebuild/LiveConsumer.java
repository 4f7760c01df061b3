package io.roster.query.rebuild;

import io.roster.kit.consumer.ConsumerRuntimes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This instance's live projection consumer, as a rebuild needs it at the switch: paused between two
 * batches (its offsets committed), and the offsets its consumer group committed.
 */
@Component
class LiveConsumer {

    private static final Logger log = LoggerFactory.getLogger(LiveConsumer.class);

    private final ConsumerRuntimes runtimes;
    private final KafkaAdmin admin;
    private final String group;

    LiveConsumer(ConsumerRuntimes runtimes, KafkaAdmin admin, @Value("${spring.kafka.consumer.group-id}") String group) {
        this.runtimes = runtimes;
        this.admin = admin;
        this.group = group;
    }

    /**
     * Pauses the listener and waits until its consumer stopped fetching: the batch in hand is applied and
     * committed first.
     *
     * @return whether it was running (and so needs {@link #resume})
     */
    boolean pause(Duration timeout) {
        Optional<MessageListenerContainer> container = container();
        if (container.isEmpty() || !container.get().isRunning()) {
            return false;
        }
        MessageListenerContainer listener = container.get();
        listener.pause();
        Mono.fromCallable(listener::isContainerPaused)
                .filter(Boolean::booleanValue)
                .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(Duration.ofMillis(20)))
                .timeout(timeout)
                .onErrorMap(TimeoutException.class, e -> new IllegalStateException(
                        "The live consumer did not pause within " + timeout.toSeconds() + " s"))
                .block();
        log.info("Live projection consumer paused for the switch");
        return true;
    }

    void resume() {
        container().ifPresent(MessageListenerContainer::resume);
        log.info("Live projection consumer resumed");
    }

    /** The live consumer's group: the container's own, as spring-kafka resolved it. */
    String group(String configured) {
        return container().map(MessageListenerContainer::getGroupId).orElse(configured);
    }

    /**
     * Where the live consumer group goes on from in each partition: its committed offset, or the
     * partition's beginning where it never committed (it has applied nothing of it).
     */
    Map<TopicPartition, Long> committedOffsets(String group, Map<TopicPartition, Long> beginning) {
        try (Admin client = Admin.create(admin.getConfigurationProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            beginning.forEach((partition, first) -> {
                OffsetAndMetadata offset = committed.get(partition);
                offsets.put(partition, offset == null ? first : Math.max(first, offset.offset()));
            });
            return offsets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the committed offsets of " + group, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the committed offsets of " + group, e);
        }
    }

    private Optional<MessageListenerContainer> container() {
        // the projections' consumer runs in service-kit's consumer runtime under the configured group
        return runtimes.get(group).map(runtime -> runtime.container());
    }
}
