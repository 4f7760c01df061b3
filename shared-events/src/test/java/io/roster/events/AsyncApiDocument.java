package io.roster.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The AsyncAPI 3.0 document of the events, built from the catalogue: a channel per topic and per dead-letter topic,
 * the operations that send to them, and a message per event type and revision whose payload is the schema file
 * {@link EventSchemas} writes (referenced, so that the schemas have one source).
 */
final class AsyncApiDocument {

    static final String SCHEMAS_FOLDER = "events/schemas/";
    /** Payload references are relative to the document, docs/asyncapi.yaml. */
    static final String SCHEMAS_REF = "./" + SCHEMAS_FOLDER;
    static final String HEADERS_SCHEMA = "CloudEventsKafkaHeaders";
    static final String DEAD_LETTER_HEADERS_SCHEMA = "DeadLetterKafkaHeaders";
    private static final String KAFKA_BINDING = "0.5.0";

    /**
     * The headers {@link CloudEventsKafkaCodec#encode} writes (binary mode: attributes as {@code ce_} headers, the
     * content type as {@code content-type}); {@code EventContractTest} checks this list against real records.
     */
    static final List<Header> HEADERS = List.of(
            new Header("ce_specversion", true, "1.0", null, "The CloudEvents version."),
            new Header("ce_id", true, null, "uuid", "The event's `eventId`: the key of consumers' idempotence."),
            new Header("ce_type", true, null, null, "`roster.<context>.<EventName>.v<revision>`: which message this is."),
            new Header("ce_source", true, null, null, "`/roster/<service>`: the service whose event store holds the event."),
            new Header("ce_subject", true, null, "uuid", "The `organizationId`, or the aggregate id (a user) where no organization applies."),
            new Header("ce_time", true, null, "date-time", "The event's `occurredAt`."),
            new Header("content-type", true, "application/json", null, "The value is the event's JSON (the payload)."),
            new Header("ce_aggregateid", true, null, "uuid", "The aggregate id, equal to the record key."),
            new Header("ce_aggregatesequence", true, null, null, "The event's sequence number in its aggregate, in decimal: "
                    + "consumers apply an aggregate's events in this order and skip a number already applied."),
            new Header("ce_actorid", false, null, "uuid", "Who caused the event (`actorId`); absent when the system did."),
            new Header("ce_correlationid", false, null, null, "The id of the request that started it all (`X-Correlation-Id`), when known."),
            new Header("ce_causationid", false, null, null, "The id of the message that caused this event: for an event a "
                    + "consumer caused while handling another event (identity joining a member on `InvitationAccepted`, notification's "
                    + "outcomes), that event's `ce_id`; for an event a request's or a schedule's command appended, the command's "
                    + "message id (commands are not published: it matches no `ce_id`). Before issue 15 identity and invitation put "
                    + "the command's id here for consumer-caused events too."),
            new Header("ce_traceparent", false, null, null, "The W3C `traceparent` of the span that stored the event (CloudEvents "
                    + "distributed-tracing extension): a consumer handles the record in a child span of it. Absent outside a trace."),
            new Header("ce_tracestate", false, null, null, "The W3C `tracestate` beside it, when the trace has one."));

    /** What service-kit's consumer runtime ({@code DeadLetters}) adds when it sends a record to the {@code .DLT}. */
    static final List<Header> DEAD_LETTER_HEADERS = List.of(
            new Header("roster_dlt_reason", true, null, null, "`unreadable` (not a readable Roster event) or `failed` (its handler failed on every attempt)."),
            new Header("roster_dlt_error", true, null, null, "The failure, as text."),
            new Header("roster_dlt_group", true, null, null, "The consumer group that gave up on the record."),
            new Header("roster_dlt_id", true, null, "uuid", "The dead letter's id in `GET /api/v1/admin/dead-letters` of that group's service."),
            new Header("kafka_dlt-original-topic", true, null, null, "The topic the record was read from."),
            new Header("kafka_dlt-original-partition", true, null, null, "Its partition there."),
            new Header("kafka_dlt-original-offset", true, null, null, "Its offset there."));

    /** A Kafka record header: its name, whether every record has it, its one value or format if any, what it holds. */
    record Header(String name, boolean always, String constant, String format, String description) {
    }

    private AsyncApiDocument() {
    }

    /** The document, every field in a fixed order so that it can be compared as text. */
    static ObjectNode build() {
        ObjectNode root = EventJson.mapper().createObjectNode();
        root.put("asyncapi", "3.0.0");
        ObjectNode info = root.putObject("info");
        info.put("title", "Roster events");
        info.put("version", "1");
        info.put("description", """
                The events Roster's services publish to Kafka: every change to users, organizations, memberships, \
                teams, invitations and emails, in the CloudEvents 1.0 Kafka binding (binary mode). Each event topic \
                keeps its records forever (retention.ms=-1): it is the replay source. The record key is the aggregate \
                id, so one aggregate's events stay in order on one partition. A consumer reads a message by its \
                `ce_type` header; an older revision still on the topic reads as the current one through the \
                upcasters of shared-events. Readers ignore unknown fields: a new optional field is no new revision.""");
        root.put("defaultContentType", "application/json");
        ObjectNode channels = root.putObject("channels");
        ObjectNode operations = root.putObject("operations");
        ObjectNode components = root.putObject("components");
        ObjectNode messages = components.putObject("messages");
        for (EventSchemas.Revisioned event : EventSchemas.all()) {
            messages.set(event.messageId(), message(event));
        }
        for (EventContext context : EventContext.values()) {
            String topic = context.topic();
            channels.set(context.id(), channel(context, topic, """
                    The %s events, published by %s from its event store (the outbox) with an idempotent producer, \
                    acks=all. Record key: the aggregate id (%s), a UUID.""".formatted(context.id(), service(context),
                    aggregates(context))));
            channels.set(deadLetterChannel(context), channel(context, Topics.deadLetter(topic), """
                    Records of %s that a consumer can never apply, sent as they were read (same key, value and \
                    headers) plus the headers of #/components/schemas/%s. A record here may also be unreadable: not \
                    a CloudEvent, or of an unknown type.""".formatted(topic, DEAD_LETTER_HEADERS_SCHEMA)));
            operations.set("publish" + capitalized(context.id()) + "Events", operation(context.id(), context,
                    service(context) + "'s relay publishes each event once it is in its event store (at least once, "
                            + "in aggregate order)."));
            operations.set("deadLetter" + capitalized(context.id()) + "Events", operation(deadLetterChannel(context), context,
                    "A consumer of " + topic + " (any service's consumer runtime) sends a record it can never apply."));
        }
        ObjectNode schemas = components.putObject("schemas");
        schemas.set(HEADERS_SCHEMA, headersSchema(HEADERS, "The headers of every record (Kafka header values are UTF-8 text)."));
        schemas.set(DEAD_LETTER_HEADERS_SCHEMA, headersSchema(DEAD_LETTER_HEADERS,
                "The headers a dead-lettered record carries besides its own."));
        return root;
    }

    /** The publishing service, the last part of the context's CloudEvents source. */
    private static String service(EventContext context) {
        return context.source().substring(context.source().lastIndexOf('/') + 1);
    }

    private static String deadLetterChannel(EventContext context) {
        return context.id() + "DeadLetters";
    }

    private static ObjectNode channel(EventContext context, String address, String description) {
        ObjectNode channel = EventJson.mapper().createObjectNode();
        channel.put("address", address);
        channel.put("description", description);
        ObjectNode messages = channel.putObject("messages");
        for (EventSchemas.Revisioned event : revisionsOf(context)) {
            messages.putObject(event.messageId()).put("$ref", "#/components/messages/" + event.messageId());
        }
        ObjectNode kafka = channel.putObject("bindings").putObject("kafka");
        kafka.put("topic", address);
        kafka.putObject("topicConfiguration").put("retention.ms", -1);
        kafka.put("bindingVersion", KAFKA_BINDING);
        return channel;
    }

    private static ObjectNode operation(String channelName, EventContext context, String description) {
        ObjectNode operation = EventJson.mapper().createObjectNode();
        operation.put("action", "send");
        operation.putObject("channel").put("$ref", "#/channels/" + channelName);
        operation.put("description", description);
        ArrayNode messages = operation.putArray("messages");
        for (EventSchemas.Revisioned event : revisionsOf(context)) {
            messages.addObject().put("$ref", "#/channels/" + channelName + "/messages/" + event.messageId());
        }
        return operation;
    }

    private static List<EventSchemas.Revisioned> revisionsOf(EventContext context) {
        return EventSchemas.all().stream().filter(event -> event.type().context() == context).toList();
    }

    private static ObjectNode message(EventSchemas.Revisioned event) {
        ObjectNode message = EventJson.mapper().createObjectNode();
        message.put("name", event.ceType());
        message.put("title", event.type().name() + " v" + event.revision());
        message.put("summary", event.current()
                ? "Revision " + event.revision() + ", the one written now."
                : "Revision " + event.revision() + ", written before v" + (event.revision() + 1)
                + "; still on the topic, read as v" + event.type().revision() + " through the upcasters.");
        message.put("contentType", "application/json");
        ObjectNode headers = message.putObject("headers");
        ArrayNode allOf = headers.putArray("allOf");
        allOf.addObject().put("$ref", "#/components/schemas/" + HEADERS_SCHEMA);
        ObjectNode own = allOf.addObject();
        own.put("type", "object");
        ObjectNode properties = own.putObject("properties");
        properties.putObject("ce_type").put("const", event.ceType());
        properties.putObject("ce_source").put("const", event.type().context().source());
        message.putObject("payload").put("$ref", SCHEMAS_REF + event.file());
        message.putObject("correlationId").put("location", "$message.header#/ce_correlationid");
        ObjectNode kafka = message.putObject("bindings").putObject("kafka");
        ObjectNode key = kafka.putObject("key");
        key.put("type", "string");
        key.put("format", "uuid");
        key.put("description", keyDescription(event.type()));
        kafka.put("bindingVersion", KAFKA_BINDING);
        return message;
    }

    /** The field an event's aggregate id comes from (the record key), as {@code EventCatalogTest} pins it. */
    private static String keyDescription(EventType type) {
        String field = EventCatalogTest.AGGREGATE_FIELD.get(type.context().id() + "." + type.name());
        String text = "The aggregate id: the event's `" + field + "`";
        return type.name().equals("InvitationAcceptRejected")
                ? text + ", or its `linkId` when the refused accept was through a link." : text + ".";
    }

    /** The aggregates of a context, by the fields their ids come from. */
    private static String aggregates(EventContext context) {
        Set<String> fields = new LinkedHashSet<>();
        for (EventType type : EventCatalog.all()) {
            if (type.context() == context) {
                fields.add(EventCatalogTest.AGGREGATE_FIELD.get(context.id() + "." + type.name()));
            }
        }
        return String.join(", ", fields) + " of the event, per message";
    }

    private static ObjectNode headersSchema(List<Header> headers, String description) {
        ObjectNode schema = EventJson.mapper().createObjectNode();
        schema.put("type", "object");
        schema.put("description", description);
        ArrayNode required = schema.putArray("required");
        ObjectNode properties = schema.putObject("properties");
        for (Header header : headers) {
            if (header.always()) {
                required.add(header.name());
            }
            ObjectNode property = properties.putObject(header.name());
            property.put("type", "string");
            if (header.constant() != null) {
                property.put("const", header.constant());
            }
            if (header.format() != null) {
                property.put("format", header.format());
            }
            property.put("description", header.description());
        }
        return schema;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
