package io.roster.localstack;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 15's trace test, the services as separate processes: one invitation followed by the W3C trace id its request
 * sent in {@code traceparent}. The same trace id must be on the stored event's Axon metadata (MongoDB), on its Kafka
 * record ({@code ce_traceparent}), on the query service's log line for applying that record (the consumer thread's
 * span), on the email (its {@code traceparent} header, read over IMAP) and on the NotificationSent record. Then the
 * invitee signs up through the emailed link with a second trace: identity's membership event, which identity's consumer
 * caused while handling InvitationAccepted, carries that second trace, and its {@code causationid} is the
 * InvitationAccepted event's id, while the invitation's event, caused by a request's command, names that command
 * (README "Tracing").
 *
 * <p>The figures go to the log and {@code target/tracing-report.txt}; the data folder is
 * {@code local-stack/target/shared-stack-data} ({@link SharedStack}), kept for its logs.
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(TracingEndToEndIT.class);
    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String PASSWORD = "correct horse battery staple";

    private final StackHttp http = new StackHttp();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private RunningStack stack;
    private MongoClient mongo;

    @BeforeAll
    void start() throws Exception {
        // the consumer runtime's per-record "Applied" line and the delivery worker's "sent" line are at debug there
        stack = SharedStack.stack();
        mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo());
    }

    @AfterAll
    void stop() {
        if (mongo != null) {
            mongo.close();
        }
    }

    @Test
    void oneTraceIdFollowsAnInvitationFromTheRequestToTheEmail() throws Exception {
        String admin = http.login(IDENTITY, "admin@roster.local", "roster-admin");
        String organization = http.created(http.post(IDENTITY + "/api/v1/organizations", admin, "{\"name\":\"Trace Co\"}"),
                "organizationId");
        String invitee = "traced-" + UUID.randomUUID().toString().substring(0, 8) + "@trace.test";
        String trace = hex(16);
        String callerSpan = hex(8);
        long sentAt = System.nanoTime();
        HttpResponse<String> invited = await("the invitation service knows the organization").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> post(INVITATION + "/api/v1/organizations/" + organization + "/invitations", admin,
                        "{\"emails\":[\"" + invitee + "\"],\"roles\":[\"member\"]}", "00-" + trace + "-" + callerSpan + "-01"),
                        r -> r.statusCode() != 403 && r.statusCode() != 404);
        String invitationId = http.body(invited).path("invitations").path(0).path("invitationId").asText();

        // 1. the stored event's metadata (the invitation service's event store)
        Document stored = await("the invitation's event is stored").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> mongo.getDatabase(RosterService.INVITATION.database()).getCollection("domainevents")
                        .find(Filters.eq("aggregateIdentifier", invitationId)).first(), java.util.Objects::nonNull);
        String storedMetaData = metaDataOf(stored);

        // 2. its Kafka record
        ConsumerRecord<String, String> issued = await("the invitation's record is on Kafka").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> first(TopicRecords.all(PORTS, "roster.invitation.v1"), "ce_aggregateid", invitationId), Optional::isPresent)
                .orElseThrow();
        String issuedTraceparent = TopicRecords.header(issued, "ce_traceparent");
        String issuedEventId = TopicRecords.header(issued, "ce_id");

        // 3. the query service's line for applying it, written on its consumer thread
        String appliedLine = await("the query service applied the record").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> line(RosterService.QUERY, "Applied", invitationId), Optional::isPresent).orElseThrow();

        // 4. the email, over IMAP, and the outcome event
        String emailTraceparent = await("the invitation email arrived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> emailTraceparent(invitee), Optional::isPresent).orElseThrow();
        long emailMillis = Duration.ofNanos(System.nanoTime() - sentAt).toMillis();
        // the notification's id is derived from its triggering event's (Delivery.notificationIdFor); the stack is shared,
        // so the send line is found by it
        String notificationId = UUID.nameUUIDFromBytes(("roster-notification:" + issuedEventId).getBytes(StandardCharsets.UTF_8)).toString();
        String notificationLine = await("the notification service's send line").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> line(RosterService.NOTIFICATION, "Notification " + notificationId, ") sent"), Optional::isPresent)
                .orElseThrow();
        ConsumerRecord<String, String> sent = await("NotificationSent is on Kafka").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> first(TopicRecords.all(PORTS, "roster.notification.v1"), "ce_aggregateid", notificationId), Optional::isPresent)
                .orElseThrow();

        // 5. a second trace: the invitee signs up through the link; identity's consumer joins them on InvitationAccepted
        String link = Mailbox.inviteLinks(PORTS, invitee).get(0);
        String signUpTrace = hex(16);
        HttpResponse<String> signedUp = post(IDENTITY + "/api/v1/auth/sign-up", null, "{\"email\":\"" + invitee + "\",\"password\":\""
                + PASSWORD + "\",\"firstName\":\"Tra\",\"lastName\":\"Ced\",\"invitationToken\":\"" + Mailbox.tokenOf(link) + "\"}",
                "00-" + signUpTrace + "-" + hex(8) + "-01");
        String inviteeUser = http.body(signedUp).path("userId").asText();
        ConsumerRecord<String, String> accepted = await("InvitationAccepted is on Kafka").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> TopicRecords.all(PORTS, "roster.invitation.v1").stream()
                        .filter(r -> invitationId.equals(TopicRecords.header(r, "ce_aggregateid")))
                        .filter(r -> String.valueOf(TopicRecords.header(r, "ce_type")).contains("InvitationAccepted")).findFirst(),
                        Optional::isPresent).orElseThrow();
        String acceptedEventId = TopicRecords.header(accepted, "ce_id");
        ConsumerRecord<String, String> joined = await("identity's MemberAdded (its consumer handling InvitationAccepted) is on Kafka")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> TopicRecords.all(PORTS, "roster.identity.v1").stream()
                        .filter(r -> organization.equals(TopicRecords.header(r, "ce_aggregateid")))
                        .filter(r -> String.valueOf(TopicRecords.header(r, "ce_type")).contains("MemberAdded"))
                        .filter(r -> r.value().contains(inviteeUser)).findFirst(),
                        Optional::isPresent).orElseThrow();
        List<String> invitationMetaData = new ArrayList<>();
        mongo.getDatabase(RosterService.INVITATION.database()).getCollection("domainevents")
                .find(Filters.eq("aggregateIdentifier", invitationId)).forEach(d -> invitationMetaData.add(metaDataOf(d)));
        String issuedCausation = TopicRecords.header(issued, "ce_causationid");

        String report = String.join("\n",
                "trace sent with the invitation request: " + trace + " (caller span " + callerSpan + "), answered " + invited.statusCode(),
                "1. stored event metadata: " + storedMetaData,
                "2. Kafka record ce_traceparent: " + issuedTraceparent + ", ce_causationid " + issuedCausation + ", ce_id " + issuedEventId,
                "3. query-service line: " + appliedLine,
                "4. email traceparent header: " + emailTraceparent + " (" + emailMillis + " ms after the request)",
                "   notification-service line: " + notificationLine,
                "   NotificationSent ce_traceparent: " + TopicRecords.header(sent, "ce_traceparent") + ", ce_causationid "
                        + TopicRecords.header(sent, "ce_causationid"),
                "5. sign-up with trace " + signUpTrace + " answered " + signedUp.statusCode() + "; InvitationAccepted ce_traceparent "
                        + TopicRecords.header(accepted, "ce_traceparent") + ", ce_id " + acceptedEventId,
                "   identity " + TopicRecords.header(joined, "ce_type") + " ce_traceparent " + TopicRecords.header(joined, "ce_traceparent")
                        + ", ce_causationid " + TopicRecords.header(joined, "ce_causationid"));
        log.info("== tracing report\n{}", report);
        Files.writeString(Path.of("target", "tracing-report.txt"), report + "\n");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(invited.statusCode()).as("the invitation was issued").isEqualTo(201);
        softly.assertThat(storedMetaData).as("the stored event's metadata carries the request's trace").contains("00-" + trace + "-");
        softly.assertThat(issuedTraceparent).as("the Kafka record carries the request's trace").startsWith("00-" + trace + "-");
        softly.assertThat(issuedTraceparent).as("…in the server's span, a child of the caller's").doesNotContain(callerSpan);
        softly.assertThat(appliedLine).as("the query service's apply line carries the trace id").contains(trace);
        softly.assertThat(emailTraceparent).as("the email carries the request's trace").startsWith("00-" + trace + "-");
        softly.assertThat(notificationLine).as("the notification service's send line carries the trace id").contains(trace);
        softly.assertThat(TopicRecords.header(sent, "ce_traceparent")).as("NotificationSent carries the trace")
                .startsWith("00-" + trace + "-");
        softly.assertThat(TopicRecords.header(sent, "ce_causationid")).as("NotificationSent's cause is the invitation's event")
                .isEqualTo(issuedEventId);
        softly.assertThat(issuedCausation).as("a request's event names its command as cause, not an event").isNotNull()
                .isNotEqualTo(issuedEventId);
        softly.assertThat(invitationMetaData).as("…the command's id, stored as Axon's correlationId")
                .anyMatch(metaData -> metaData.contains(String.valueOf(issuedCausation)));
        softly.assertThat(signedUp.statusCode()).as("the invitee signed up").isEqualTo(201);
        softly.assertThat(TopicRecords.header(accepted, "ce_traceparent")).as("InvitationAccepted carries the sign-up's trace")
                .startsWith("00-" + signUpTrace + "-");
        softly.assertThat(TopicRecords.header(joined, "ce_traceparent")).as("identity's event caused by it carries that trace on")
                .startsWith("00-" + signUpTrace + "-");
        softly.assertThat(TopicRecords.header(joined, "ce_causationid")).as("…and names InvitationAccepted as its cause")
                .isEqualTo(acceptedEventId);
        softly.assertAll();
    }

    private HttpResponse<String> post(String url, String bearer, String body, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, application/problem+json")
                .header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<ConsumerRecord<String, String>> first(List<ConsumerRecord<String, String>> records, String header, String value) {
        return records.stream().filter(r -> value.equals(TopicRecords.header(r, header))).findFirst();
    }

    /** The first line of the service's log holding both words. */
    private Optional<String> line(RosterService service, String word, String other) throws Exception {
        Path file = stack.logFile(service.module());
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> l.contains(word) && l.contains(other)).findFirst();
        }
    }

    /** The {@code traceparent} header of the first message in the inbox, once there is one. */
    private static Optional<String> emailTraceparent(String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", PORTS.imap(), address, address);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                for (Message message : inbox.getMessages()) {
                    String[] values = message.getHeader("traceparent");
                    return Optional.of(values == null || values.length == 0 ? "(none)" : values[0].trim());
                }
                return Optional.empty();
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /** Axon's metadata of a stored event as text (document-per-event storage keeps it serialized). */
    private static String metaDataOf(Document event) {
        Object metaData = event.get("serializedMetaData");
        if (metaData instanceof org.bson.types.Binary binary) {
            return new String(binary.getData(), StandardCharsets.UTF_8);
        }
        return String.valueOf(metaData);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
