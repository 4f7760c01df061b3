package io.roster.query.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.roster.events.EventCatalog;
import io.roster.events.EventEnvelope;
import io.roster.events.EventJson;
import io.roster.events.EventType;
import io.roster.events.RosterEvent;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * One event of the audit log, as readers see it in the timeline, its NDJSON stream and the export: when it
 * happened, its CloudEvents type and short name, who caused it, the organization, its place in its aggregate's
 * stream, its ids, and its JSON with the secrets taken out ({@code payload}; {@code redacted} names what was
 * removed). The field order is fixed: the export hashes the JSON text as written.
 */
@JsonPropertyOrder({"occurredAt", "type", "name", "actorId", "organizationId", "aggregateId", "sequence",
        "eventId", "correlationId", "causationId", "payload", "redacted"})
public record AuditEntry(Instant occurredAt, String type, String name, UUID actorId, UUID organizationId,
                         String aggregateId, long sequence, UUID eventId, String correlationId, String causationId,
                         @JsonRawValue String payload, List<String> redacted) {

    static final String ID = "_id";
    static final String ORGANIZATION_ID = "organizationId";
    static final String POSITION = "position";
    static final String OCCURRED_AT = "occurredAt";
    static final String TYPE = "type";
    static final String NAME = "name";
    static final String ACTOR_ID = "actorId";
    static final String AGGREGATE_ID = "aggregateId";
    static final String SEQUENCE = "sequence";
    static final String CORRELATION_ID = "correlationId";
    static final String CAUSATION_ID = "causationId";
    static final String PAYLOAD = "payload";
    static final String REDACTED = "redacted";

    static AuditEntry of(EventEnvelope envelope) {
        RosterEvent event = envelope.event();
        EventType type = envelope.type();
        PayloadRedactor.Redacted redacted = PayloadRedactor.redact(event);
        String payload;
        try {
            payload = EventJson.mapper().writeValueAsString(redacted.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the payload of " + type.name(), e);
        }
        return new AuditEntry(event.occurredAt(), type.ceType(), type.name(), event.actorId(), event.organizationId(),
                envelope.aggregateId(), envelope.sequenceNumber(), event.eventId(), envelope.correlationId(),
                envelope.causationId(), payload, redacted.removedFields());
    }

    /** The timeline's sort key; see {@link TimelinePosition}. */
    String position() {
        return TimelinePosition.of(occurredAt, aggregateId, sequence);
    }

    /** The event again, for folds over the history (the membership at an instant). Secret fields come back null. */
    public RosterEvent toEvent() {
        EventType.ParsedType parsed = EventType.parse(type);
        EventType current = EventCatalog.named(parsed.context(), parsed.name());
        return EventJson.read(EventJson.tree(payload.getBytes(StandardCharsets.UTF_8)), current.javaType());
    }

    Document asDocument() {
        return new Document(ID, eventId.toString())
                .append(ORGANIZATION_ID, text(organizationId))
                .append(POSITION, position())
                // the exact instant is in the position and the payload; this one is for people reading the collection
                .append(OCCURRED_AT, Date.from(occurredAt))
                .append(TYPE, type)
                .append(NAME, name)
                .append(ACTOR_ID, text(actorId))
                .append(AGGREGATE_ID, aggregateId)
                .append(SEQUENCE, sequence)
                .append(CORRELATION_ID, correlationId)
                .append(CAUSATION_ID, causationId)
                .append(PAYLOAD, payload)
                .append(REDACTED, redacted);
    }

    static AuditEntry from(Document d) {
        String position = d.getString(POSITION);
        // the exact instant, nanoseconds included, is the position's first part
        Instant occurredAt = Instant.parse(position.substring(0, position.indexOf(' ')));
        return new AuditEntry(occurredAt, d.getString(TYPE), d.getString(NAME), uuid(d.getString(ACTOR_ID)),
                uuid(d.getString(ORGANIZATION_ID)), d.getString(AGGREGATE_ID), d.get(SEQUENCE, Number.class).longValue(),
                UUID.fromString(d.getString(ID)), d.getString(CORRELATION_ID), d.getString(CAUSATION_ID),
                d.getString(PAYLOAD), List.copyOf(d.getList(REDACTED, String.class, List.of())));
    }

    private static String text(UUID id) {
        return id == null ? null : id.toString();
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }
}
