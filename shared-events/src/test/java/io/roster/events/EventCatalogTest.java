package io.roster.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.invitation.InvitationAcceptRejected;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.roster.events.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every event type of the catalogue against its JSON fixture: the JSON form is exactly the fixture,
 * and the Kafka form (CloudEvents binary mode) carries what consumers rely on and reads back equal.
 */
class EventCatalogTest {

    /** The names PRODUCT.md §5 publishes; a published name is never renamed or dropped. */
    private static final List<String> PUBLISHED = List.of(
            "identity.UserRegistered", "identity.UserProfileUpdated", "identity.UserEmailVerified",
            "identity.EmailVerificationRequested", "identity.AccountSetupRequested", "identity.UserDeleted",
            "identity.ProviderRolesChanged", "identity.OrganizationCreated", "identity.OrganizationRenamed",
            "identity.MemberAdded", "identity.MemberRemoved", "identity.MemberRolesChanged",
            "identity.MemberTeamsChanged", "identity.MembershipExpiryChanged", "identity.MemberExpired", "identity.TeamCreated", "identity.TeamRenamed", "identity.TeamDeleted",
            "invitation.InvitationIssued", "invitation.InvitationResent", "invitation.InvitationRevoked",
            "invitation.InvitationExpired", "invitation.InvitationDeclined", "invitation.InvitationUpdated", "invitation.InvitationReminderSent", "invitation.InvitationAccepted", "invitation.InvitationAcceptRejected",
            "invitation.InvitationLinkCreated", "invitation.InvitationLinkUpdated", "invitation.InvitationLinkEnabled",
            "invitation.InvitationLinkDisabled", "invitation.InvitationLinkUsed", "invitation.BulkInvitationCompleted",
            "notification.NotificationSent", "notification.NotificationFailed");

    /** The field each event's aggregate id (its Kafka key, hence its ordering) comes from; docs/asyncapi.yaml names it. */
    static final Map<String, String> AGGREGATE_FIELD = Map.ofEntries(
            Map.entry("identity.UserRegistered", "userId"),
            Map.entry("identity.UserProfileUpdated", "userId"),
            Map.entry("identity.UserEmailVerified", "userId"),
            Map.entry("identity.EmailVerificationRequested", "userId"),
            Map.entry("identity.AccountSetupRequested", "userId"),
            Map.entry("identity.UserDeleted", "userId"),
            Map.entry("identity.ProviderRolesChanged", "userId"),
            Map.entry("identity.PasswordResetRequested", "userId"),
            Map.entry("identity.PasswordChanged", "userId"),
            Map.entry("identity.OrganizationCreated", "organizationId"),
            Map.entry("identity.OrganizationRenamed", "organizationId"),
            Map.entry("identity.MemberAdded", "organizationId"),
            Map.entry("identity.MemberRemoved", "organizationId"),
            Map.entry("identity.MemberRolesChanged", "organizationId"),
            Map.entry("identity.MemberTeamsChanged", "organizationId"),
            Map.entry("identity.MembershipExpiryChanged", "organizationId"),
            Map.entry("identity.MemberExpired", "organizationId"),
            Map.entry("identity.TeamCreated", "organizationId"),
            Map.entry("identity.TeamRenamed", "organizationId"),
            Map.entry("identity.TeamDeleted", "organizationId"),
            Map.entry("invitation.InvitationIssued", "invitationId"),
            Map.entry("invitation.InvitationResent", "invitationId"),
            Map.entry("invitation.InvitationRevoked", "invitationId"),
            Map.entry("invitation.InvitationExpired", "invitationId"),
            Map.entry("invitation.InvitationDeclined", "invitationId"),
            Map.entry("invitation.InvitationUpdated", "invitationId"),
            Map.entry("invitation.InvitationReminderSent", "invitationId"),
            Map.entry("invitation.InvitationAccepted", "invitationId"),
            Map.entry("invitation.InvitationAcceptRejected", "invitationId"),
            Map.entry("invitation.InvitationLinkCreated", "linkId"),
            Map.entry("invitation.InvitationLinkUpdated", "linkId"),
            Map.entry("invitation.InvitationLinkEnabled", "linkId"),
            Map.entry("invitation.InvitationLinkDisabled", "linkId"),
            Map.entry("invitation.InvitationLinkUsed", "linkId"),
            Map.entry("invitation.BulkInvitationCompleted", "jobId"),
            Map.entry("notification.NotificationSent", "notificationId"),
            Map.entry("notification.NotificationFailed", "notificationId"));

    private static final Map<EventContext, String> TOPIC = Map.of(
            EventContext.IDENTITY, "roster.identity.v1",
            EventContext.INVITATION, "roster.invitation.v1",
            EventContext.NOTIFICATION, "roster.notification.v1");

    private static final Map<EventContext, String> SOURCE = Map.of(
            EventContext.IDENTITY, "/roster/identity-command-service",
            EventContext.INVITATION, "/roster/invitation-service",
            EventContext.NOTIFICATION, "/roster/notification-service");

    private static final Pattern FIXTURE_NAME = Pattern.compile("([A-Za-z]+)\\.v([0-9]+)\\.json");

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();

    static Stream<EventType> types() {
        return EventCatalog.all().stream();
    }

    private static String key(EventType type) {
        return type.context().id() + "." + type.name();
    }

    @Test
    void everyEventTypeHasAFixtureForEachRevision() {
        // one per revision: older ones prove that records written then still read (see the test below)
        List<String> missing = types()
                .flatMap(type -> IntStream.rangeClosed(1, type.revision()).mapToObj(revision -> Fixtures.path(type, revision)))
                .filter(path -> Fixtures.class.getClassLoader().getResource(path) == null)
                .toList();
        assertThat(missing).as("fixtures missing from src/test/resources").isEmpty();
    }

    @Test
    void everyPublishedEventIsInTheCatalogue() {
        List<String> catalogue = types().map(EventCatalogTest::key).toList();
        assertThat(catalogue).containsAll(PUBLISHED).doesNotHaveDuplicates();
        assertThat(catalogue).as("each event type needs its aggregate field in AGGREGATE_FIELD")
                .containsExactlyInAnyOrderElementsOf(AGGREGATE_FIELD.keySet());
    }

    @Test
    void everyFixtureIsOfAKnownTypeAtAKnownRevisionAndReadable() throws IOException, URISyntaxException {
        Path root = Path.of(Fixtures.class.getClassLoader().getResource("fixtures").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(EventCatalog.all().size());
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            String[] parts = relative.split("/");
            Matcher name = parts.length == 2 ? FIXTURE_NAME.matcher(parts[1]) : null;
            if (name == null || !name.matches()) {
                problems.add(relative + ": not <context>/<EventName>.v<revision>.json");
                continue;
            }
            try {
                EventType type = EventCatalog.named(parts[0], name.group(1));
                int revision = Integer.parseInt(name.group(2));
                ObjectNode json = EventJson.tree(Files.readAllBytes(file));
                // an older revision must still read, through the catalogue's upcasters
                ObjectNode current = EventUpcasters.CATALOGUE.upcast(type, revision, json);
                EventJson.read(current, type.javaType());
            } catch (UnreadableEventException e) {
                problems.add(relative + ": " + e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void theJsonOfAnEventIsExactlyItsFixture(EventType type) throws IOException {
        JsonNode fixture = EventJson.mapper().readTree(Fixtures.json(type));
        RosterEvent event = Fixtures.load(type);

        assertThat(event).isInstanceOf(type.javaType());
        JsonNode written = EventJson.mapper().readTree(EventJson.write(event));
        assertThat(written).as("no field lost, renamed or added").isEqualTo(fixture);
        assertThat(written.has("aggregateId")).as("aggregateId is derived, not part of the JSON").isFalse();
        assertThat(written.has("subjectId")).as("subjectId is derived, not part of the JSON").isFalse();

        List<String> components = Stream.of(type.javaType().getRecordComponents()).map(RecordComponent::getName).toList();
        assertThat(iterable(fixture.fieldNames())).as("every field of the record is in the fixture")
                .containsExactlyInAnyOrderElementsOf(components);
        assertThat(components).startsWith("eventId", "occurredAt", "organizationId", "actorId");

        String aggregateField = AGGREGATE_FIELD.get(key(type));
        assertThat(event.aggregateId()).isNotNull()
                .isEqualTo(UUID.fromString(fixture.get(aggregateField).asText()));
        assertThat(Fixtures.load(type)).as("reading is deterministic").isEqualTo(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void onKafkaAnEventIsACloudEventKeyedByItsAggregate(EventType type) throws IOException {
        RosterEvent event = Fixtures.load(type);
        JsonNode fixture = EventJson.mapper().readTree(Fixtures.json(type));
        String correlationId = UUID.randomUUID().toString();
        String causationId = UUID.randomUUID().toString();
        EventEnvelope envelope = new EventEnvelope(event, event.aggregateId().toString(), 42L, correlationId, causationId);

        ProducerRecord<String, byte[]> sent = codec.encode(envelope);

        assertThat(sent.topic()).isEqualTo(TOPIC.get(type.context())).isEqualTo(type.context().topic());
        assertThat(sent.key()).isEqualTo(fixture.get(AGGREGATE_FIELD.get(key(type))).asText());
        assertThat(sent.partition()).as("the partitioner picks the partition from the key").isNull();
        assertThat(EventJson.mapper().readTree(sent.value())).as("the value is the event's JSON").isEqualTo(fixture);

        Headers headers = sent.headers();
        assertThat(header(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(headers, "ce_id")).isEqualTo(fixture.get("eventId").asText());
        assertThat(header(headers, "ce_type"))
                .isEqualTo("roster." + type.context().id() + "." + type.name() + ".v" + type.revision());
        assertThat(header(headers, "ce_source")).isEqualTo(SOURCE.get(type.context()));
        String subject = fixture.get("organizationId").isNull()
                ? sent.key() : fixture.get("organizationId").asText();
        assertThat(header(headers, "ce_subject")).isEqualTo(subject);
        assertThat(OffsetDateTime.parse(header(headers, "ce_time")).toInstant())
                .isEqualTo(Instant.parse(fixture.get("occurredAt").asText()));
        assertThat(header(headers, "ce_aggregateid")).isEqualTo(sent.key());
        assertThat(header(headers, "ce_aggregatesequence")).isEqualTo("42");
        if (fixture.get("actorId").isNull()) {
            assertThat(headers.lastHeader("ce_actorid")).isNull();
        } else {
            assertThat(header(headers, "ce_actorid")).isEqualTo(fixture.get("actorId").asText());
        }
        assertThat(header(headers, "ce_correlationid")).isEqualTo(correlationId);
        assertThat(header(headers, "ce_causationid")).isEqualTo(causationId);
        assertThat(header(headers, "content-type")).isEqualTo("application/json");

        ConsumerRecord<String, byte[]> received = KafkaRecords.received(sent);
        EventEnvelope decoded = codec.decode(received);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.event()).isEqualTo(event).isInstanceOf(type.javaType());
        assertThat(decoded.aggregateId()).isEqualTo(sent.key());
        assertThat(decoded.sequenceNumber()).isEqualTo(42L);
        assertThat(decoded.correlationId()).isEqualTo(correlationId);
        assertThat(decoded.causationId()).isEqualTo(causationId);
        assertThat(decoded.type()).isEqualTo(type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void withoutCorrelationTheRecordCarriesNoCorrelationHeaders(EventType type) {
        EventEnvelope envelope = EventEnvelope.of(Fixtures.load(type), 0L);

        ProducerRecord<String, byte[]> sent = codec.encode(envelope);

        assertThat(sent.headers().lastHeader("ce_correlationid")).isNull();
        assertThat(sent.headers().lastHeader("ce_causationid")).isNull();
        assertThat(codec.decode(KafkaRecords.received(sent))).isEqualTo(envelope);
    }

    @Test
    void aRejectedLinkAcceptIsKeyedByTheLink() {
        InvitationAcceptRejected fixture = Fixtures.load(InvitationAcceptRejected.class);
        UUID linkId = UUID.fromString("2c7e9a1b-3d5f-4b8a-8e6c-4a2d6f8b0c97");
        InvitationAcceptRejected viaLink = new InvitationAcceptRejected(fixture.eventId(), fixture.occurredAt(),
                fixture.organizationId(), fixture.actorId(), null, linkId, fixture.userId(), fixture.email(),
                "quota_exhausted");

        ProducerRecord<String, byte[]> sent = codec.encode(EventEnvelope.of(viaLink, 3L));

        assertThat(sent.key()).isEqualTo(linkId.toString());
        assertThat(codec.decode(KafkaRecords.received(sent)).event()).isEqualTo(viaLink);
    }

    private static <T> List<T> iterable(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
