package io.roster.kit.axon;

import io.micrometer.core.instrument.Counter;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One pass of publishing stored events to Kafka: a batch of the relay's tracking processor, a sweep, or an operator's
 * republish. It keeps each aggregate's order on Kafka: before an event goes out, every event of its aggregate before it
 * that is not known to be on Kafka is read from the event store and sent first. {@link #complete()} waits for Kafka's
 * acknowledgements, then records the published sequences ({@link PublishedSequences}) and clears the events' flags
 * ({@link UnpublishedEvents}), so that later passes, on any instance, know them to be on Kafka.
 *
 * <p>Why the order holds across passes and instances: a pass sends an aggregate's events in sequence order through one
 * producer (idempotent, so Kafka keeps that order), and it trusts an event to be on Kafka only once a pass recorded it,
 * which a pass does after Kafka acknowledged it. A pass that fails records nothing: what it sent goes out again later,
 * after the first copies (consumers skip a sequence they applied), never instead of an event.
 *
 * <p>Not thread-safe: one pass per thread.
 */
class PublicationPass {

    private static final Logger log = LoggerFactory.getLogger(PublicationPass.class);
    /**
     * How long a pass waits for Kafka's answers: a little longer than the producer's {@code delivery.timeout.ms} (60 s,
     * roster-kit.yml), so that a pass normally fails only once the producer has given up on what it sent. A pass that
     * gave up earlier would be retried while the producer still delivers its first copies: with one broker of three
     * left and brokers coming back, KafkaClusterEndToEndIT then found 80 events twice on their partitions. Axon's handler
     * and transaction timeouts (roster-kit.yml, {@code axon.timeout}) are longer still: when Axon's janitor interrupted
     * the relay's thread (its 30 s default), the tracking processor shut down for good and nothing was published until
     * the service restarted.
     */
    private static final long ACK_TIMEOUT_SECONDS = 65;

    private final KafkaTemplate<String, byte[]> kafka;
    private final CloudEventsKafkaCodec codec;
    private final PublishedSequences published;
    private final UnpublishedEvents unpublished;
    private final Counter repaired;

    /** Per aggregate, the highest sequence on Kafka with all before it, as recorded or as sent in this pass. */
    private final Map<String, Long> known = new HashMap<>();
    private final Set<String> looked = new HashSet<>();
    private final Map<String, Long> sent = new LinkedHashMap<>();
    private final List<UnpublishedEvents.Key> sentKeys = new ArrayList<>();
    /** Events found flagged though known to be on Kafka (a pass that died between its two writes): cleared too. */
    private final List<UnpublishedEvents.Key> settled = new ArrayList<>();
    private final List<CompletableFuture<?>> acknowledgements = new ArrayList<>();
    private int fromTheStore;

    PublicationPass(KafkaTemplate<String, byte[]> kafka, CloudEventsKafkaCodec codec, PublishedSequences published,
                    UnpublishedEvents unpublished, Counter repaired) {
        this.kafka = kafka;
        this.codec = codec;
        this.published = published;
        this.unpublished = unpublished;
        this.repaired = repaired;
    }

    /** Reads what is recorded of these aggregates in one query (a batch knows its aggregates up front). */
    void lookUp(Collection<String> aggregateIds) {
        Set<String> wanted = new HashSet<>(aggregateIds);
        wanted.removeAll(looked);
        if (!wanted.isEmpty()) {
            published.of(wanted).forEach((aggregate, sequence) -> known.merge(aggregate, sequence, Math::max));
            looked.addAll(wanted);
        }
    }

    /**
     * Publishes an event the tracking processor delivered, after any event of its aggregate before it that is not on
     * Kafka yet. An event known to be on Kafka already is not sent again, unless {@code again} (a republish).
     */
    void publishInOrder(DomainEventMessage<?> event, boolean again) {
        String aggregateId = event.getAggregateIdentifier();
        long sequence = event.getSequenceNumber();
        lookUp(Set.of(aggregateId));
        Long onKafka = known.get(aggregateId);
        if (onKafka != null && sequence <= onKafka && !again) {
            settled.add(new UnpublishedEvents.Key(aggregateId, sequence));
            return;
        }
        sendFromTheStoreBefore(aggregateId, onKafka, sequence);
        send(event);
    }

    /**
     * Publishes every event of the aggregate up to {@code lastSequence} that is not on Kafka yet, in order; once this
     * pass completes, the flags of {@code flagged} (events of the aggregate up to that sequence) are cleared, whether
     * this pass sent them or found them on Kafka already.
     */
    void publishUpTo(String aggregateId, long lastSequence, Collection<UnpublishedEvents.Key> flagged) {
        lookUp(Set.of(aggregateId));
        Long onKafka = known.get(aggregateId);
        if (onKafka == null || onKafka < lastSequence) {
            sendFromTheStoreBefore(aggregateId, onKafka, lastSequence + 1);
        }
        settled.addAll(flagged);
    }

    /** Publishes one stored event whatever is known of it (the operator found it missing on the topic). */
    void publishAgain(DomainEventMessage<?> event) {
        fromTheStore++;
        send(event);
    }

    /**
     * Sends the aggregate's events before {@code sequence} that are not on Kafka: after the recorded one, or, for an
     * aggregate the relay never recorded (its events stored before the relay kept records, or all of them passed over),
     * from the first one still flagged: older unflagged events were published by the relay of that time.
     */
    private void sendFromTheStoreBefore(String aggregateId, Long onKafka, long sequence) {
        if (sequence == 0 || (onKafka != null && onKafka >= sequence - 1)) {
            return;
        }
        long from;
        if (onKafka != null) {
            from = onKafka + 1;
        } else {
            OptionalLong firstWaiting = unpublished.firstWaiting(aggregateId, sequence);
            if (firstWaiting.isEmpty()) {
                return;
            }
            from = firstWaiting.getAsLong();
        }
        DomainEventStream stored = unpublished.read(aggregateId, from);
        long expected = from;
        while (stored.hasNext() && stored.peek().getSequenceNumber() < sequence) {
            DomainEventMessage<?> event = stored.next();
            if (event.getSequenceNumber() != expected) {
                log.warn("Aggregate {} has no stored event #{} (the next stored is #{}); publishing on", aggregateId, expected,
                        event.getSequenceNumber());
            }
            expected = event.getSequenceNumber() + 1;
            if (event.getPayload() instanceof RosterEvent) {
                fromTheStore++;
                send(event);
            }
        }
    }

    private void send(DomainEventMessage<?> event) {
        if (!(event.getPayload() instanceof RosterEvent payload)) {
            throw new IllegalStateException("Only Roster events are relayed; " + event.getIdentifier() + " is a " + event.getPayloadType());
        }
        String aggregateId = event.getAggregateIdentifier();
        long sequence = event.getSequenceNumber();
        acknowledgements.add(kafka.send(codec.encode(new EventEnvelope(payload, aggregateId, sequence,
                text(event, "traceId"), causationOf(event), text(event, "traceparent"), text(event, "tracestate")))));
        known.merge(aggregateId, sequence, Math::max);
        sent.merge(aggregateId, sequence, Math::max);
        sentKeys.add(new UnpublishedEvents.Key(aggregateId, sequence));
    }

    /**
     * The id of the message that caused the event: the event a consumer was handling when it sent the command
     * ("causationId", see Commands), else the command itself (Axon's "correlationId" is the id of the message being
     * handled when the event was applied: the command).
     */
    static String causationOf(EventMessage<?> event) {
        String causingEvent = text(event, "causationId");
        return causingEvent != null ? causingEvent : text(event, "correlationId");
    }

    /** Axon's "traceId" is the root: the user's request (Roster's correlation id). */
    private static String text(EventMessage<?> message, String key) {
        Object value = message.getMetaData().get(key);
        return value == null ? null : value.toString();
    }

    /**
     * Waits until Kafka acknowledged everything this pass sent, then records it; answers how many events were sent.
     * Throws if Kafka refused or did not answer in 65 s: nothing is recorded then.
     */
    int complete() throws InterruptedException, TimeoutException {
        if (!acknowledgements.isEmpty()) {
            try {
                CompletableFuture.allOf(acknowledgements.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Kafka refused an event; the events will be published again", e.getCause());
            }
            published.record(sent);
        }
        List<UnpublishedEvents.Key> onKafka = new ArrayList<>(sentKeys);
        onKafka.addAll(settled);
        unpublished.published(onKafka);
        int count = sentKeys.size();
        if (fromTheStore > 0) {
            repaired.increment(fromTheStore);
        }
        log.debug("Kafka acknowledged {} events, {} of them read back from the event store", count, fromTheStore);
        acknowledgements.clear();
        sent.clear();
        sentKeys.clear();
        settled.clear();
        fromTheStore = 0;
        return count;
    }

    /** Events sent so far that the tracking processor did not deliver: read from the event store by this pass. */
    int fromTheStore() {
        return fromTheStore;
    }
}
