package io.roster.kit.axon;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The outbox relay: a tracking processor reads the event store and publishes every event to Kafka
 * (idempotent producer, acks=all), keyed by aggregate id. A batch's records are sent together and the
 * handler of the batch's last event waits for every acknowledgement, so the processor's token moves
 * only past events Kafka holds. A failure fails the batch, and the processor retries it from the last
 * stored token: at least once, in per-aggregate order.
 */
@ProcessingGroup(EventStoreKafkaRelay.PROCESSING_GROUP)
public class EventStoreKafkaRelay {

    public static final String PROCESSING_GROUP = "kafka-relay-v1";
    private static final Logger log = LoggerFactory.getLogger(EventStoreKafkaRelay.class);
    private static final String PENDING = EventStoreKafkaRelay.class.getName() + ".pending";
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaTemplate<String, byte[]> kafka;
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();

    public EventStoreKafkaRelay(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    @EventHandler
    void relay(RosterEvent event, EventMessage<?> message) throws Exception {
        if (!(message instanceof DomainEventMessage<?> domain)) {
            throw new IllegalStateException("Roster events come from aggregates; " + message.getIdentifier() + " has no sequence");
        }
        ProducerRecord<String, byte[]> record = codec.encode(new EventEnvelope(event, domain.getAggregateIdentifier(),
                domain.getSequenceNumber(), text(message, "traceId"), text(message, "correlationId")));
        CompletableFuture<?> sent = kafka.send(record);
        List<CompletableFuture<?>> pending = pending();
        pending.add(sent);
        if (isLastOfBatch()) {
            awaitAll(pending);
        }
    }

    /** Axon's "correlationId" is the id of the causing message, its "traceId" the root: the user's request. */
    private static String text(EventMessage<?> message, String key) {
        Object value = message.getMetaData().get(key);
        return value == null ? null : value.toString();
    }

    private static List<CompletableFuture<?>> pending() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new ArrayList<>();
        }
        return CurrentUnitOfWork.get().root().getOrComputeResource(PENDING, key -> new ArrayList<>());
    }

    private static boolean isLastOfBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return true;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        return !(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage();
    }

    private static void awaitAll(List<CompletableFuture<?>> pending) throws InterruptedException, TimeoutException {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.debug("Kafka acknowledged {} events", pending.size());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused an event; the batch will be retried", e.getCause());
        } finally {
            pending.clear();
        }
    }
}
