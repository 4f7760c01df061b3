package io.roster.notification.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventCatalog;
import io.roster.events.EventEnvelope;
import io.roster.events.EventJson;
import io.roster.events.EventType;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.notification.NotificationFailed;
import io.roster.events.notification.NotificationSent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the outcome recorded on a delivery: {@code NotificationSent} or {@code NotificationFailed}
 * on {@code roster.notification.v1} (key = notification id, sequence = the outcome's number), and for a
 * failed email its triggering event on the dead letter topic of the topic it came from. The outcome is
 * in MongoDB first (the outbox); the flag is cleared once Kafka acknowledged, and the maintenance task
 * publishes what a crash left behind, so every outcome reaches Kafka at least once, with a stable event id.
 */
@Component
public class OutcomePublisher {

    public static final String NOTIFICATION_ID_HEADER = "roster_notification_id";
    private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final DeliveryQueue queue;
    private final MeterRegistry meters;
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final Queue<Delivery> acknowledged = new ConcurrentLinkedQueue<>();
    /**
     * How long acknowledged outcomes wait for others before their flags are cleared in one write: under load one
     * update per window instead of one per email; far below outbox-retry-after, so nothing is republished for it.
     */
    private static final long CLEAR_WINDOW_MILLIS = 50;
    private final AtomicBoolean clearScheduled = new AtomicBoolean();
    private final ScheduledExecutorService acknowledgements = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "notification-outbox-ack");
        thread.setDaemon(true);
        return thread;
    });
    /** One thread, so that the outcomes of one notification reach Kafka in the order they were recorded. */
    private final ExecutorService outbox = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread thread = new Thread(r, "notification-outbox");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());

    OutcomePublisher(KafkaTemplate<String, byte[]> kafka, DeliveryQueue queue, MeterRegistry meters) {
        this.kafka = kafka;
        this.queue = queue;
        this.meters = meters;
        // at zero from start-up for the topics whose events trigger emails, so that an increase sees the first one
        List.of(Topics.IDENTITY, Topics.INVITATION).forEach(this::undeliverable);
    }

    private Counter undeliverable(String sourceTopic) {
        return Counter.builder("roster.consumer.dead.letters")
                .description("Records sent to a dead letter topic")
                .tag("topic", sourceTopic).tag("reason", "undeliverable")
                .register(meters);
    }

    /**
     * Hands the outcome to the outbox thread and returns at once: a worker never waits for Kafka (which
     * may be away: then the outbox flags stay set and the maintenance task publishes later). The queue is
     * bounded; what does not fit is left to the maintenance task too.
     */
    public void publish(Delivery delivery) {
        outbox.execute(() -> send(delivery));
    }

    /** Sends and waits (the maintenance task's way). */
    void publishNow(Delivery delivery) throws Exception {
        send(delivery).get(30, TimeUnit.SECONDS);
    }

    /** The outbox flag is cleared when Kafka acknowledged every record. */
    private CompletableFuture<Void> send(Delivery delivery) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        try {
            for (ProducerRecord<String, byte[]> record : records(delivery)) {
                sends.add(kafka.send(record));
            }
        } catch (RuntimeException e) {
            log.warn("Outcome of notification {} not published yet ({}); it will be retried", delivery.notificationId(), e.toString());
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .whenCompleteAsync((ok, error) -> {
                    if (error == null) {
                        acknowledged.add(delivery);
                        scheduleClear();
                    } else {
                        log.warn("Outcome of notification {} not published yet ({}); it will be retried",
                                delivery.notificationId(), error.toString());
                    }
                }, acknowledgements);
    }

    private void scheduleClear() {
        if (clearScheduled.compareAndSet(false, true)) {
            acknowledgements.schedule(() -> {
                // reset first: an acknowledgement arriving while this clears schedules the next write
                clearScheduled.set(false);
                clearAcknowledged();
            }, CLEAR_WINDOW_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Clears the outbox flags of everything acknowledged so far in one write (runs on the single ack thread). */
    private void clearAcknowledged() {
        List<Delivery> batch = new ArrayList<>();
        for (Delivery d = acknowledged.poll(); d != null; d = acknowledged.poll()) {
            batch.add(d);
        }
        try {
            queue.outcomesPublished(batch);
        } catch (RuntimeException e) {
            // the flags stay; the maintenance task publishes those outcomes again (same event ids)
            log.warn("Cannot clear {} outbox flag(s): {}", batch.size(), e.toString());
        }
    }

    List<ProducerRecord<String, byte[]>> records(Delivery delivery) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        records.add(codec.encode(new EventEnvelope(outcomeEvent(delivery), delivery.notificationId().toString(),
                Math.max(0, delivery.outcomes() - 1), delivery.correlationId(),
                delivery.triggeringEventId() == null ? null : delivery.triggeringEventId().toString(),
                delivery.traceparent(), null)));
        if (delivery.status() == DeliveryStatus.FAILED && delivery.eventJson() != null && delivery.sourceTopic() != null) {
            records.add(deadLetter(delivery));
            undeliverable(delivery.sourceTopic()).increment();
        }
        return records;
    }

    private static RosterEvent outcomeEvent(Delivery d) {
        if (d.status() == DeliveryStatus.SENT) {
            return new NotificationSent(d.outcomeEventId(), d.updatedAt(), d.organizationId(), null, d.notificationId(),
                    d.triggeringEventId(), d.kind(), d.recipient(), d.invitationId(), d.attempts(), !d.organizationServerUsed());
        }
        if (d.status() == DeliveryStatus.FAILED || d.status() == DeliveryStatus.UNKNOWN) {
            return new NotificationFailed(d.outcomeEventId(), d.updatedAt(), d.organizationId(), null, d.notificationId(),
                    d.triggeringEventId(), d.kind(), d.recipient(), d.invitationId(), d.attempts(), d.lastError());
        }
        throw new IllegalStateException("notification " + d.notificationId() + " has no outcome to publish: " + d.status());
    }

    /** The triggering event as it was read, with the dead letter headers spring-kafka's recoverer would add. */
    private ProducerRecord<String, byte[]> deadLetter(Delivery d) {
        EventType.ParsedType parsed = EventType.parse(d.eventType());
        RosterEvent event = EventJson.read(EventJson.tree(d.eventJson().getBytes(StandardCharsets.UTF_8)),
                EventCatalog.named(parsed.context(), parsed.name()).javaType());
        ProducerRecord<String, byte[]> original = codec.encode(new EventEnvelope(event, d.aggregateId(), d.sequenceNumber(),
                d.correlationId(), null));
        RecordHeaders headers = new RecordHeaders(original.headers().toArray());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, bytes(d.sourceTopic()));
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, bytes("io.roster.notification.UndeliverableEmail"));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, bytes(d.lastError() == null ? "undeliverable" : d.lastError()));
        headers.add(NOTIFICATION_ID_HEADER, bytes(d.notificationId().toString()));
        return new ProducerRecord<>(Topics.deadLetter(d.sourceTopic()), null, original.key(), original.value(), headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @jakarta.annotation.PreDestroy
    void shutdown() throws InterruptedException {
        outbox.shutdown();
        outbox.awaitTermination(5, TimeUnit.SECONDS);
        acknowledgements.shutdown();
        acknowledgements.awaitTermination(5, TimeUnit.SECONDS);
    }
}
