package io.roster.events;

import java.util.Objects;

/**
 * An event with what travels beside it on Kafka: the aggregate and the event's sequence number in
 * it, the correlation (the request that started it all) and causation (the message that caused
 * this one: README "Tracing") ids, and the W3C trace context of the work that stored it
 * ({@code traceparent}, {@code tracestate}: the CloudEvents distributed-tracing extension).
 */
public record EventEnvelope(RosterEvent event, String aggregateId, long sequenceNumber,
                            String correlationId, String causationId, String traceparent, String tracestate) {

    public EventEnvelope {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(aggregateId, "aggregateId");
    }

    /** An envelope outside any trace. */
    public EventEnvelope(RosterEvent event, String aggregateId, long sequenceNumber, String correlationId, String causationId) {
        this(event, aggregateId, sequenceNumber, correlationId, causationId, null, null);
    }

    public static EventEnvelope of(RosterEvent event, long sequenceNumber) {
        return new EventEnvelope(event, event.aggregateId().toString(), sequenceNumber, null, null);
    }

    public EventType type() {
        return EventCatalog.of(event);
    }
}
