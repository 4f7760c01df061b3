package io.roster.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * docs/asyncapi.yaml and docs/events/schemas are the event contract integrators generate code from: this test keeps
 * them true. It fails when the checked-in files are not what the generator produces from shared-events now, when an
 * event type or revision of the catalogue has no message or schema, when a revision's JSON fixture does not validate
 * against its schema, when the document is not a well-formed AsyncAPI 3.0 document whose references all resolve, and
 * when the headers it documents are not the ones the codec writes. Figures go to target/event-contract-report.txt.
 */
class EventContractTest {

    private static final Logger log = LoggerFactory.getLogger(EventContractTest.class);
    private static final Path REPORT = Path.of("target", "event-contract-report.txt");
    private static final List<String> report = new ArrayList<>();

    private static EventContractFiles files;

    @BeforeAll
    static void writeWhenAsked() {
        files = EventContractFiles.ofRepository();
        if (Boolean.getBoolean(EventContractFiles.WRITE_PROPERTY)) {
            // refreshing first, so that the checks below run on what was just written
            List<String> written = files.write(EventContractFiles.generate());
            report("wrote %d files under %s", written.size(), files.docs());
        }
    }

    @AfterAll
    static void writeReport() throws IOException {
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, String.join("\n", report) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void theCheckedInContractIsWhatTheGeneratorProducesNow() {
        Map<String, String> generated = EventContractFiles.generate();
        Map<String, String> checkedIn = files.checkedIn();
        Set<String> missing = new TreeSet<>(generated.keySet());
        missing.removeAll(checkedIn.keySet());
        Set<String> extra = new TreeSet<>(checkedIn.keySet());
        extra.removeAll(generated.keySet());
        Set<String> stale = new TreeSet<>();
        generated.forEach((file, text) -> {
            if (checkedIn.containsKey(file) && !checkedIn.get(file).equals(text)) {
                stale.add(file);
            }
        });
        report("generated %d files (asyncapi.yaml + %d schemas); checked in %d; missing %s, stale %s, of no revision %s",
                generated.size(), generated.size() - 1, checkedIn.size(), missing, stale, extra);

        String refresh = " under " + files.docs() + ": refresh them with `" + EventContractFiles.REFRESH_COMMAND
                + "` and commit the result";
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(missing).as("files the generator produces but not checked in" + refresh).isEmpty();
        soft.assertThat(stale).as("checked-in files that differ from what the generator produces now" + refresh).isEmpty();
        soft.assertThat(extra).as("checked-in schema files of no event revision" + refresh).isEmpty();
        soft.assertAll();
    }

    @Test
    void everyEventTypeAndRevisionHasItsMessageAndSchemaOnItsTopicAndDeadLetterTopic() {
        JsonNode document = files.readYaml(EventContractFiles.ASYNCAPI);
        JsonNode messages = document.path("components").path("messages");
        List<EventSchemas.Revisioned> events = EventSchemas.all();
        SoftAssertions soft = new SoftAssertions();
        for (EventSchemas.Revisioned event : events) {
            JsonNode message = messages.path(event.messageId());
            soft.assertThat(message.isObject()).as("%s has a message in components.messages", event).isTrue();
            soft.assertThat(message.path("name").asText()).as("%s message name", event).isEqualTo(event.ceType());
            String payload = message.path("payload").path("$ref").asText();
            soft.assertThat(payload).as("%s payload", event).isEqualTo(AsyncApiDocument.SCHEMAS_REF + event.file());
            soft.assertThat(files.path(payload)).as("%s schema file", event).isRegularFile();
            String context = event.type().context().id();
            for (String channel : List.of(context, context + "DeadLetters")) {
                soft.assertThat(document.path("channels").path(channel).path("messages").path(event.messageId())
                                .path("$ref").asText())
                        .as("%s on channel %s", event, channel).isEqualTo("#/components/messages/" + event.messageId());
            }
        }
        long current = events.stream().filter(EventSchemas.Revisioned::current).count();
        report("catalogue: %d event types, %d messages (older revisions: %d); document: %d messages",
                EventCatalog.all().size(), events.size(), events.size() - current, messages.size());
        soft.assertThat(current).isEqualTo(EventCatalog.all().size());
        soft.assertThat(messages.size()).as("messages of no catalogue revision").isEqualTo(events.size());
        soft.assertAll();
    }

    @Test
    void everyRevisionsFixtureValidatesAgainstItsSchemaAndAFixtureWithoutItsEventIdDoesNot() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        // formats (uuid, date-time) are only annotations in 2020-12 unless asserted
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        SoftAssertions soft = new SoftAssertions();
        int valid = 0;
        int refused = 0;
        for (EventSchemas.Revisioned event : EventSchemas.all()) {
            String schemaFile = AsyncApiDocument.SCHEMAS_FOLDER + event.file();
            if (!Files.isRegularFile(files.path(schemaFile))) {
                soft.fail("%s has no schema file %s", event, schemaFile);
                continue;
            }
            String fixturePath = Fixtures.path(event.type(), event.revision());
            if (Fixtures.class.getClassLoader().getResource(fixturePath) == null) {
                soft.fail("%s has no fixture %s", event, fixturePath);
                continue;
            }
            JsonSchema schema = factory.getSchema(files.readJson(schemaFile), config);
            ObjectNode fixture = EventJson.tree(Fixtures.json(event.type(), event.revision()).getBytes(StandardCharsets.UTF_8));

            Set<ValidationMessage> errors = schema.validate(fixture);
            soft.assertThat(errors).as("fixtures/%s against %s", event.file(), schemaFile).isEmpty();
            valid += errors.isEmpty() ? 1 : 0;

            // the schema must be able to refuse: every record has an eventId
            fixture.remove("eventId");
            boolean refusedWithout = !schema.validate(fixture).isEmpty();
            soft.assertThat(refusedWithout).as("%s refuses a record without eventId", schemaFile).isTrue();
            refused += refusedWithout ? 1 : 0;
        }
        report("fixtures valid against their schema: %d of %d; records without eventId refused: %d",
                valid, EventSchemas.all().size(), refused);
        soft.assertAll();
    }

    @Test
    void theDocumentIsAsyncApi3WhoseChannelsOperationsAndReferencesResolve() {
        JsonNode document = files.readYaml(EventContractFiles.ASYNCAPI);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(document.path("asyncapi").asText()).isEqualTo("3.0.0");
        soft.assertThat(document.path("info").path("title").isTextual()).as("info.title").isTrue();
        soft.assertThat(document.path("info").path("version").isTextual()).as("info.version").isTrue();

        Set<String> addresses = new TreeSet<>();
        document.path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));
        Set<String> topics = new TreeSet<>();
        Topics.EVENT_TOPICS.forEach(topic -> topics.addAll(List.of(topic, Topics.deadLetter(topic))));
        soft.assertThat(addresses).as("channel addresses: every topic and its .DLT").isEqualTo(topics);

        int operationMessages = 0;
        for (Map.Entry<String, JsonNode> operation : iterable(document.path("operations"))) {
            String name = operation.getKey();
            JsonNode body = operation.getValue();
            soft.assertThat(body.path("action").asText()).as("%s action", name).isIn("send", "receive");
            String channel = body.path("channel").path("$ref").asText();
            soft.assertThat(resolve(document, channel).isObject()).as("%s channel %s", name, channel).isTrue();
            for (JsonNode message : body.path("messages")) {
                String ref = message.path("$ref").asText();
                soft.assertThat(ref).as("%s message of its own channel", name).startsWith(channel + "/messages/");
                soft.assertThat(resolve(document, ref).isObject()).as("%s message %s", name, ref).isTrue();
                operationMessages++;
            }
        }
        soft.assertThat(document.path("operations").size()).as("operations: a send per channel").isEqualTo(topics.size());

        // every reference anywhere: within the document it resolves, to a file it names an existing one
        Set<String> refs = new LinkedHashSet<>();
        collectRefs(document, refs);
        int internal = 0;
        for (String ref : refs) {
            if (ref.startsWith("#/")) {
                soft.assertThat(resolve(document, ref).isMissingNode()).as("reference %s resolves", ref).isFalse();
                internal++;
            } else {
                soft.assertThat(files.path(ref)).as("referenced file %s", ref).isRegularFile();
            }
        }
        Set<String> referencedMessages = new HashSet<>();
        document.path("channels").forEach(channel -> channel.path("messages")
                .forEach(message -> referencedMessages.add(message.path("$ref").asText())));
        for (Map.Entry<String, JsonNode> message : iterable(document.path("components").path("messages"))) {
            soft.assertThat(referencedMessages).as("a channel carries message %s", message.getKey())
                    .contains("#/components/messages/" + message.getKey());
        }
        report("asyncapi %s: %d channels %s, %d operations naming %d messages, %d distinct references (%d internal)",
                document.path("asyncapi").asText(), addresses.size(), addresses, document.path("operations").size(),
                operationMessages, refs.size(), internal);
        soft.assertAll();
    }

    @Test
    void theDocumentedHeadersAreTheOnesTheCodecWrites() {
        JsonNode schema = files.readYaml(EventContractFiles.ASYNCAPI)
                .path("components").path("schemas").path(AsyncApiDocument.HEADERS_SCHEMA);
        Set<String> documented = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(documented::add);
        Set<String> documentedRequired = new TreeSet<>();
        schema.path("required").forEach(name -> documentedRequired.add(name.asText()));

        // every current fixture, sent with correlation and causation ids and without
        CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
        Set<String> written = new TreeSet<>();
        Set<String> always = null;
        int records = 0;
        for (EventType type : EventCatalog.all()) {
            RosterEvent event = Fixtures.load(type);
            String aggregateId = event.aggregateId().toString();
            for (EventEnvelope envelope : List.of(EventEnvelope.of(event, 7L),
                    new EventEnvelope(event, aggregateId, 7L, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "roster=1"))) {
                ProducerRecord<String, byte[]> record = codec.encode(envelope);
                Set<String> names = new TreeSet<>();
                for (Header header : record.headers()) {
                    names.add(header.key());
                }
                written.addAll(names);
                if (always == null) {
                    always = new TreeSet<>(names);
                } else {
                    always.retainAll(names);
                }
                records++;
            }
        }
        report("codec: %d records written, headers %s, on every record %s; documented %s, required %s",
                records, written, always, documented, documentedRequired);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(documented).as("documented headers = headers the codec writes").isEqualTo(written);
        soft.assertThat(documentedRequired).as("required headers = headers on every record").isEqualTo(always);
        soft.assertAll();
    }

    private static JsonNode resolve(JsonNode document, String ref) {
        if (!ref.startsWith("#/")) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return document.at(ref.substring(1));
    }

    private static void collectRefs(JsonNode node, Set<String> refs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : iterable(node)) {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(item -> collectRefs(item, refs));
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private static void report(String format, Object... args) {
        String line = String.format(format, args);
        log.info(line);
        report.add(line);
    }
}
