package io.roster.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.time.ZoneOffset;

/**
 * Events on Kafka in the CloudEvents 1.0 Kafka binding, binary mode: the attributes in {@code ce_*}
 * headers, the event's JSON as the value, the aggregate id as the key.
 */
public final class CloudEventsKafkaCodec {

    public static final String AGGREGATE_ID = "aggregateid";
    public static final String SEQUENCE = "aggregatesequence";
    public static final String ACTOR_ID = "actorid";
    public static final String CORRELATION_ID = "correlationid";
    public static final String CAUSATION_ID = "causationid";
    /** The CloudEvents distributed-tracing extension: headers ce_traceparent and ce_tracestate. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    private static final String JSON = "application/json";

    private final EventUpcasters upcasters;

    public CloudEventsKafkaCodec() {
        this(EventUpcasters.CATALOGUE);
    }

    public CloudEventsKafkaCodec(EventUpcasters upcasters) {
        this.upcasters = upcasters;
    }

    public ProducerRecord<String, byte[]> encode(EventEnvelope envelope) {
        RosterEvent event = envelope.event();
        EventType type = envelope.type();
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.eventId().toString())
                .withType(type.ceType())
                .withSource(URI.create(type.context().source()))
                .withSubject(event.subjectId().toString())
                .withTime(event.occurredAt().atOffset(ZoneOffset.UTC))
                .withDataContentType(JSON)
                .withData(EventJson.write(event))
                .withExtension(AGGREGATE_ID, envelope.aggregateId())
                .withExtension(SEQUENCE, envelope.sequenceNumber());
        if (event.actorId() != null) {
            builder.withExtension(ACTOR_ID, event.actorId().toString());
        }
        if (envelope.correlationId() != null) {
            builder.withExtension(CORRELATION_ID, envelope.correlationId());
        }
        if (envelope.causationId() != null) {
            builder.withExtension(CAUSATION_ID, envelope.causationId());
        }
        if (envelope.traceparent() != null) {
            builder.withExtension(TRACEPARENT, envelope.traceparent());
        }
        if (envelope.tracestate() != null && !envelope.tracestate().isEmpty()) {
            builder.withExtension(TRACESTATE, envelope.tracestate());
        }
        return KafkaMessageFactory.createWriter(type.context().topic(), envelope.aggregateId())
                .writeBinary(builder.build());
    }

    /** Reads a record; anything that is not a readable Roster event throws {@link UnreadableEventException}. */
    public EventEnvelope decode(ConsumerRecord<String, byte[]> record) {
        CloudEvent cloudEvent = toCloudEvent(record);
        EventType.ParsedType parsed = EventType.parse(cloudEvent.getType());
        EventType current = EventCatalog.named(parsed.context(), parsed.name());
        if (cloudEvent.getData() == null) {
            throw new UnreadableEventException(cloudEvent.getType() + " " + cloudEvent.getId() + " has no data");
        }
        var json = upcasters.upcast(current, parsed.revision(), EventJson.tree(cloudEvent.getData().toBytes()));
        RosterEvent event = EventJson.read(json, current.javaType());
        if (event.eventId() == null || event.occurredAt() == null || event.aggregateId() == null) {
            throw new UnreadableEventException(cloudEvent.getType() + " " + cloudEvent.getId() + " lacks eventId, occurredAt or its aggregate id");
        }
        // consumers key their idempotence on eventId, tools and the dead-letter topic on ce_id: they must agree
        if (!event.eventId().toString().equals(cloudEvent.getId())) {
            throw new UnreadableEventException(cloudEvent.getType() + " " + cloudEvent.getId() + " carries another eventId, "
                    + event.eventId());
        }
        String aggregateId = text(cloudEvent.getExtension(AGGREGATE_ID), event.aggregateId().toString());
        return new EventEnvelope(event, aggregateId, sequence(cloudEvent),
                text(cloudEvent.getExtension(CORRELATION_ID), null),
                text(cloudEvent.getExtension(CAUSATION_ID), null),
                text(cloudEvent.getExtension(TRACEPARENT), null),
                text(cloudEvent.getExtension(TRACESTATE), null));
    }

    private static CloudEvent toCloudEvent(ConsumerRecord<String, byte[]> record) {
        try {
            MessageReader reader = KafkaMessageFactory.createReader(record);
            return reader.toEvent();
        } catch (RuntimeException e) {
            // the SDK reports bad input by CloudEventRWException, IllegalStateException, IllegalArgumentException,
            // and a header with a null value by NullPointerException: all of them mean an unreadable record
            throw new UnreadableEventException("not a CloudEvent: " + e, e);
        }
    }

    private static long sequence(CloudEvent cloudEvent) {
        Object value = cloudEvent.getExtension(SEQUENCE);
        if (value == null) {
            throw new UnreadableEventException(cloudEvent.getId() + " has no " + SEQUENCE);
        }
        try {
            return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
        } catch (NumberFormatException e) {
            throw new UnreadableEventException(cloudEvent.getId() + " has a bad " + SEQUENCE + ": " + value, e);
        }
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
