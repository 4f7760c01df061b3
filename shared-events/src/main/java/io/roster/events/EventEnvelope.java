package io.roster.events;

import java.util.Objects;

/**
 * An event with what travels beside it on Kafka: the aggregate and the event's sequence number in
 * it, and the correlation (the request that started it all) and causation (the message that caused
 * this one) ids.
 */
public record EventEnvelope(RosterEvent event, String aggregateId, long sequenceNumber,
                            String correlationId, String causationId) {

    public EventEnvelope {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(aggregateId, "aggregateId");
    }

    public static EventEnvelope of(RosterEvent event, long sequenceNumber) {
        return new EventEnvelope(event, event.aggregateId().toString(), sequenceNumber, null, null);
    }

    public EventType type() {
        return EventCatalog.of(event);
    }
}
