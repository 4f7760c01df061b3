package io.roster.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JSON Schema (draft 2020-12) of every event type at every revision a reader still accepts.
 *
 * <p>The current revision is generated from the event record with victools, through the mapper {@link EventJson}
 * writes with, so that enums read as their {@code @JsonProperty} names, instants and UUIDs as formatted strings and
 * value objects as the objects they are written as. Every field is required: {@link EventJson} writes nulls out, so
 * a field is always present. A field of a reference type may be null, except the two that readers refuse to go
 * without ({@link CloudEventsKafkaCodec#decode}).
 *
 * <p>An older revision has no record class any more: it is what its upcasters read. Its schema is the next
 * revision's without the fields that the upcaster of that revision adds (what it puts into an empty object). That
 * holds while upcasters only add fields; the fixture of each revision validating against its schema
 * ({@code EventContractTest}) is what shows it still does.
 */
final class EventSchemas {

    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    /** Fields that a reader refuses an event without, so they are never null. */
    private static final Set<String> NEVER_NULL = Set.of("eventId", "occurredAt");

    private final SchemaGenerator generator;

    EventSchemas() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(
                EventJson.mapper(), SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY))
                .with(Option.EXTRA_OPEN_API_FORMAT_VALUES);
        config.forFields()
                .withRequiredCheck(field -> true)
                .withNullableCheck(field -> !field.getType().isPrimitive() && !NEVER_NULL.contains(field.getName())
                        // its constructor refuses nulls
                        && field.getDeclaringType().getErasedType() != EncryptedSecret.class);
        // a value object's or enum's title is its name, so that code generated from the schemas names it
        // (EncryptedSecret, NotificationKind); the event's own title is set below
        config.forTypesInGeneral().withTitleResolver(scope -> {
            Class<?> type = scope.getType().getErasedType();
            return (type.isRecord() || type.isEnum()) && !RosterEvent.class.isAssignableFrom(type)
                    ? type.getSimpleName() : null;
        });
        // the record's order, which is also the order of the JSON and the fixtures (a stable sort that keeps all)
        config.forTypesInGeneral().withPropertySorter((one, other) -> 0);
        this.generator = new SchemaGenerator(config.build());
    }

    /** Every revision of every type of the catalogue, oldest first within a type. */
    static List<Revisioned> all() {
        List<Revisioned> all = new ArrayList<>();
        for (EventType type : EventCatalog.all()) {
            for (int revision = 1; revision <= type.revision(); revision++) {
                all.add(new Revisioned(type, revision));
            }
        }
        return all;
    }

    /** The schema of {@code type} as written at {@code revision}. */
    ObjectNode schema(Revisioned event) {
        ObjectNode schema = generator.generateSchema(event.type().javaType());
        for (String added : fieldsAddedSince(event)) {
            ((ObjectNode) schema.get("properties")).remove(added);
            removeFromArray((ArrayNode) schema.get("required"), added);
        }
        ObjectNode described = EventJson.mapper().createObjectNode();
        described.put("$schema", DRAFT);
        described.put("title", event.type().name() + " v" + event.revision());
        described.put("description", "The value of a Kafka record of ce_type " + event.ceType() + (event.current() ? "."
                : ": an older revision, read through the upcasters as v" + event.type().revision() + "."));
        schema.remove("$schema");
        described.setAll(schema);
        return described;
    }

    /** The fields the upcasters from {@code revision} up to the current one add to a record. */
    private static List<String> fieldsAddedSince(Revisioned event) {
        if (event.current()) {
            return List.of();
        }
        ObjectNode added = EventUpcasters.CATALOGUE.upcast(event.type(), event.revision(), EventJson.mapper().createObjectNode());
        List<String> names = new ArrayList<>();
        added.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void removeFromArray(ArrayNode array, String value) {
        for (int i = array.size() - 1; i >= 0; i--) {
            JsonNode item = array.get(i);
            if (item.asText().equals(value)) {
                array.remove(i);
            }
        }
    }

    /** One event type at one of its revisions. */
    record Revisioned(EventType type, int revision) {

        boolean current() {
            return revision == type.revision();
        }

        String ceType() {
            return EventType.ceType(type.context(), type.name(), revision);
        }

        /** Unique within the AsyncAPI document: {@code identity.UserRegistered.v2}. */
        String messageId() {
            return type.context().id() + "." + type.name() + ".v" + revision;
        }

        /** Relative to docs/events/schemas/ and to the fixtures/ folder. */
        String file() {
            return type.context().id() + "/" + type.name() + ".v" + revision + ".json";
        }

        @Override
        public String toString() {
            return messageId();
        }
    }
}
