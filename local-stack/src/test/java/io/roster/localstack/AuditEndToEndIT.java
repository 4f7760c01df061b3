package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 6 end to end, across processes: the audit timeline, the membership at past instants and the
 * tamper-evident export of the query service, fed by the real identity, invitation and notification services
 * over Kafka, driven over HTTP and IMAP only. The steps build on each other and run in order.
 *
 * <p>Its own ports and data folder ({@code local-stack/target/audit-e2e-data}, wiped at the start, kept afterwards
 * for the services' logs), so it never meets another IT or a running local stack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(AuditEndToEndIT.class);
    private static final Ports PORTS = new Ports(39092, 39093, 37017, 33025, 33143, 38025, 38081, 38082, 38083, 38084);
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String PASSWORD = "correct horse battery";
    /** The organization, membership and team events the scenario causes, in the order it causes them. */
    private static final Set<String> MEMBERSHIP_EVENTS = Set.of("OrganizationCreated", "MemberAdded", "TeamCreated",
            "MemberRolesChanged", "TeamRenamed", "MemberTeamsChanged", "MemberRemoved");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Path dataDir;
    private LocalStack stack;
    private String adminToken;
    private String adminId;
    private String orgId;
    private String teamId;
    private String ann;
    private String bob;
    /** The consistency token of the last command the timeline must show. */
    private String lastCommand;

    @BeforeAll
    void startTheStack() throws Exception {
        dataDir = Path.of("target", "audit-e2e-data").toAbsolutePath();
        deleteRecursively(dataDir);
        LocalStackConfig config = LocalStackConfig.defaults(LocalStackConfig.findRepositoryRoot(Path.of("")))
                .withDataDir(dataDir)
                .withPorts(PORTS);
        log.info("== starting the whole stack on ports {}, data folder {}", PORTS, dataDir);
        stack = LocalStack.start(config);
        adminToken = login("admin@roster.local", "roster-admin");
        adminId = subjectOf(adminToken);
    }

    @AfterAll
    void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * An admin builds an organization step by step, each step read back with its consistency token and followed
     * by a recorded instant; {@code ?asOf=} at each instant shows exactly the members, roles and teams of then.
     */
    @Test
    @Order(1)
    void theMembersAtEachRecordedInstantAreExactlyThoseOfThen() throws Exception {
        Instant beforeTheOrganization = Instant.now();

        HttpResponse<String> created = post(IDENTITY + "/api/v1/organizations", adminToken, "{\"name\":\"Audit Co\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        orgId = json.readTree(created.body()).path("organizationId").asText();
        applied(created);
        HttpResponse<String> team = post(IDENTITY + "/api/v1/organizations/" + orgId + "/teams", adminToken, "{\"name\":\"Core\"}");
        assertThat(team.statusCode()).as(describe(team)).isEqualTo(201);
        teamId = json.readTree(team.body()).path("teamId").asText();
        applied(team);
        ann = createUser("Ann", "ann.audit@example.io");
        bob = createUser("Bob", "bob.audit@example.io");

        String members = IDENTITY + "/api/v1/organizations/" + orgId + "/members";
        applied(expect(201, post(members, adminToken,
                "{\"userId\":\"" + ann + "\",\"roles\":[\"member\"],\"teamIds\":[\"" + teamId + "\"]}")));
        applied(expect(201, post(members, adminToken, "{\"userId\":\"" + bob + "\",\"roles\":[\"billing-manager\"]}")));
        Instant afterTheJoins = Instant.now();

        applied(expect(200, send("PUT", members + "/" + ann + "/roles", adminToken, "{\"roles\":[\"admin\"]}")));
        applied(expect(200, send("PATCH", IDENTITY + "/api/v1/organizations/" + orgId + "/teams/" + teamId, adminToken,
                "{\"name\":\"Platform\"}")));
        applied(expect(200, send("PUT", members + "/" + bob + "/teams", adminToken, "{\"teamIds\":[\"" + teamId + "\"]}")));
        Instant afterTheChanges = Instant.now();

        applied(expect(200, send("DELETE", members + "/" + bob, adminToken, null)));
        Instant afterTheRemoval = Instant.now();

        assertThat(membersAsOf(beforeTheOrganization)).as("before the organization existed").isEmpty();

        assertThat(membersAsOf(afterTheJoins)).isEqualTo(Map.of(
                adminId, "[admin] []",
                ann, "[member] [Core]",
                bob, "[billing-manager] []"));
        assertThat(membersAsOf(afterTheChanges)).as("Ann promoted, the team renamed, Bob in it").isEqualTo(Map.of(
                adminId, "[admin] []",
                ann, "[admin] [Platform]",
                bob, "[billing-manager] [Platform]"));
        assertThat(membersAsOf(afterTheRemoval)).as("Bob removed").isEqualTo(Map.of(
                adminId, "[admin] []",
                ann, "[admin] [Platform]"));

        JsonNode annThen = rowsAsOf(afterTheJoins).stream().filter(row -> row.path("userId").asText().equals(ann))
                .findFirst().orElseThrow();
        assertThat(annThen.path("email").asText()).isEqualTo("ann.audit@example.io");
        assertThat(annThen.path("firstName").asText()).isEqualTo("Ann");
        assertThat(annThen.path("status").asText()).isEqualTo("active");
        assertThat(Instant.parse(annThen.path("joinedAt").asText())).isBefore(afterTheJoins);

        assertProblem(get(QUERY + "/api/v1/organizations/" + orgId + "/members?asOf=last-tuesday", adminToken, Map.of()),
                400, "validation_failed");
    }

    @Test
    @Order(2)
    void theTimelineListsEveryEventInTheOrderItHappenedWithItsActor() throws Exception {
        List<JsonNode> timeline = timeline("");

        List<JsonNode> membership = timeline.stream().filter(e -> MEMBERSHIP_EVENTS.contains(e.path("name").asText())).toList();
        assertThat(membership).extracting(e -> e.path("name").asText()).containsExactly(
                "OrganizationCreated", "MemberAdded", "TeamCreated", "MemberAdded", "MemberAdded",
                "MemberRolesChanged", "TeamRenamed", "MemberTeamsChanged", "MemberRemoved");
        assertThat(membership).extracting(e -> e.path("actorId").asText()).containsOnly(adminId);
        assertThat(membership).extracting(e -> e.path("payload").path("userId").asText(null))
                .containsExactly(null, adminId, null, ann, bob, ann, null, bob, bob);
        assertThat(membership).extracting(e -> e.path("sequence").asLong())
                .as("the organization's stream, in order").isSorted();
        assertThat(timeline).extracting(e -> Instant.parse(e.path("occurredAt").asText())).isSorted();
        assertThat(timeline).allSatisfy(event -> {
            assertThat(event.path("organizationId").asText()).isEqualTo(orgId);
            assertThat(event.path("type").asText())
                    .matches("roster\\.(identity|invitation|notification)\\." + event.path("name").asText() + "\\.v[1-9][0-9]*");
            assertThat(UUID.fromString(event.path("eventId").asText())).isNotNull();
        });
        log.info("timeline of Audit Co: {}", timeline.stream().map(e -> e.path("name").asText()).toList());

        // the NDJSON stream is the same timeline
        HttpResponse<String> streamed = get(QUERY + "/api/v1/organizations/" + orgId + "/events", adminToken,
                Map.of("Accept", "application/x-ndjson"));
        assertThat(streamed.statusCode()).as(describe(streamed)).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
        List<String> streamedIds = streamed.body().lines().map(this::readTree).map(e -> e.path("eventId").asText()).toList();
        assertThat(streamedIds).containsExactlyElementsOf(timeline.stream().map(e -> e.path("eventId").asText()).toList());
    }

    @Test
    @Order(3)
    void aTypeFilterKeepsOnlyThatType() throws Exception {
        assertThat(timeline("&type=MemberAdded")).extracting(e -> e.path("payload").path("userId").asText())
                .containsExactly(adminId, ann, bob);
        assertThat(timeline("&type=roster.identity.MemberRemoved.v1")).extracting(e -> e.path("payload").path("userId").asText())
                .containsExactly(bob);
        assertProblem(get(QUERY + "/api/v1/organizations/" + orgId + "/events?type=Nonsense", adminToken, Map.of()),
                400, "validation_failed");
    }

    @Test
    @Order(4)
    void aMemberWhoIsNoAdminIsRefused() throws Exception {
        String dan = createUser("Dan", "dan.audit@example.io");
        lastCommand = consistencyToken(applied(expect(201, post(IDENTITY + "/api/v1/organizations/" + orgId + "/members",
                adminToken, "{\"userId\":\"" + dan + "\",\"roles\":[\"member\"]}"))));
        String danToken = login("dan.audit@example.io", PASSWORD);

        assertProblem(get(QUERY + "/api/v1/organizations/" + orgId + "/events", danToken, Map.of()), 403, "forbidden");
        assertProblem(get(QUERY + "/api/v1/organizations/" + orgId + "/events/export", danToken,
                Map.of("Accept", "application/x-ndjson")), 403, "forbidden");
        // the membership at an instant is for every reader of the organization, like the member list
        HttpResponse<String> asOf = get(QUERY + "/api/v1/organizations/" + orgId + "/members?asOf="
                + URLEncoder.encode(Instant.now().minusSeconds(1).toString(), StandardCharsets.UTF_8), danToken, Map.of());
        assertThat(asOf.statusCode()).as(describe(asOf)).isEqualTo(200);
    }

    /**
     * A personal invitation: its raw token (from the email, over IMAP), its sealed form and its hash (from the
     * InvitationIssued record on Kafka) appear nowhere in the timeline, its stream or the export.
     */
    @Test
    @Order(5)
    void noRawTokenSealedTokenOrTokenHashOfAnInvitationAppearsAnywhere() throws Exception {
        String invitee = "ivy.audit@example.io";
        HttpResponse<String> invited = await("the invitation service knows Audit Co").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> post(INVITATION + "/api/v1/organizations/" + orgId + "/invitations", adminToken,
                        "{\"emails\":[\"" + invitee + "\"],\"roles\":[\"member\"]}"), response -> response.statusCode() != 404);
        assertThat(invited.statusCode()).as(describe(invited)).isEqualTo(201);
        String invitationId = json.readTree(invited.body()).path("invitations").get(0).path("invitationId").asText();
        lastCommand = consistencyToken(invited);

        String rawToken = await("the invitation email to " + invitee).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> invitationTokenInMailOf(invitee), Optional::isPresent).orElseThrow();
        JsonNode issued = await("InvitationIssued on roster.invitation.v1").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> invitationIssued(invitationId), Optional::isPresent).orElseThrow();
        String tokenHash = issued.path("tokenHash").asText();
        String sealed = issued.path("token").path("ciphertext").asText();
        assertThat(tokenHash).as("the record carries the hash of the emailed token").isEqualTo(sha256(rawToken));
        assertThat(sealed).isNotBlank();
        // the notification service's NotificationSent for the invitation belongs to the timeline too
        await("NotificationSent of the invitation in the timeline").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> timeline("&type=NotificationSent").stream()
                        .anyMatch(e -> invitationId.equals(e.path("payload").path("invitationId").asText())));

        String paged = expect(200, get(QUERY + "/api/v1/organizations/" + orgId + "/events?limit=200", adminToken,
                Map.of("Consistency-Token", lastCommand))).body();
        String streamed = expect(200, get(QUERY + "/api/v1/organizations/" + orgId + "/events", adminToken,
                Map.of("Accept", "application/x-ndjson"))).body();
        String exported = export();
        for (String body : List.of(paged, streamed, exported)) {
            assertThat(body).contains(invitationId).contains("InvitationIssued")
                    .doesNotContain(rawToken).doesNotContain(tokenHash).doesNotContain(sealed)
                    .doesNotContain("ciphertext").doesNotContain("\"tokenHash\":").doesNotContain("\"token\":");
        }
        JsonNode issuedEntry = timeline("&type=InvitationIssued").get(0);
        assertThat(issuedEntry.path("actorId").asText()).isEqualTo(adminId);
        assertThat(issuedEntry.path("payload").path("email").asText()).isEqualTo(invitee);
        assertThat(issuedEntry.path("redacted")).extracting(JsonNode::asText).contains("token", "tokenHash");
    }

    /** The export verifies with the dependency-free verifier run as its own program; an edited copy does not. */
    @Test
    @Order(6)
    void theExportVerifiesAndAnEditedCopyDoesNot() throws Exception {
        Path export = dataDir.resolve("audit-co.ndjson");
        Files.writeString(export, export(), StandardCharsets.UTF_8);
        List<String> lines = Files.readAllLines(export, StandardCharsets.UTF_8);
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"end\":true,\"organizationId\":\"" + orgId + "\"");
        log.info("export of Audit Co: {} lines, {} bytes", lines.size(), Files.size(export));

        Verification untouched = verify(export);
        assertThat(untouched.exitCode()).as(untouched.output()).isZero();
        assertThat(untouched.output()).startsWith("OK: " + (lines.size() - 1) + " events");

        int promotion = indexOf(lines, "MemberRolesChanged");
        Path edited = dataDir.resolve("audit-co-edited.ndjson");
        List<String> tampered = new ArrayList<>(lines);
        tampered.set(promotion, lines.get(promotion).replace("[\"admin\"]", "[\"member\"]"));
        assertThat(tampered.get(promotion)).isNotEqualTo(lines.get(promotion));
        Files.writeString(edited, String.join("\n", tampered) + "\n", StandardCharsets.UTF_8);
        Verification failed = verify(edited);
        assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
        assertThat(failed.output()).startsWith("FAILED at line " + (promotion + 1) + ":");

        Path shortened = dataDir.resolve("audit-co-line-removed.ndjson");
        List<String> removed = new ArrayList<>(lines);
        removed.remove(promotion);
        Files.writeString(shortened, String.join("\n", removed) + "\n", StandardCharsets.UTF_8);
        assertThat(verify(shortened).exitCode()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------

    private String createUser(String firstName, String email) throws Exception {
        HttpResponse<String> created = expect(201, post(IDENTITY + "/api/v1/users", adminToken,
                "{\"firstName\":\"" + firstName + "\",\"lastName\":\"Auditor\",\"email\":\"" + email
                        + "\",\"password\":\"" + PASSWORD + "\"}"));
        applied(created);
        return json.readTree(created.body()).path("userId").asText();
    }

    /** Waits until the query service applied the command (its consistency token), and insists it did. */
    private HttpResponse<String> applied(HttpResponse<String> command) throws Exception {
        String token = consistencyToken(command);
        HttpResponse<String> read = get(QUERY + "/api/v1/organizations", adminToken, Map.of("Consistency-Token", token));
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        assertThat(read.headers().firstValue("Consistency-Reached")).as(describe(command)).hasValue("true");
        lastCommand = token;
        return command;
    }

    private String consistencyToken(HttpResponse<String> command) {
        return command.headers().firstValue("Consistency-Token")
                .orElseThrow(() -> new AssertionError("no Consistency-Token on " + describe(command)));
    }

    /** userId → "[roles] [team names]" of the members at the instant. */
    private Map<String, String> membersAsOf(Instant instant) throws Exception {
        Map<String, String> members = new TreeMap<>();
        for (JsonNode row : rowsAsOf(instant)) {
            List<String> roles = new ArrayList<>();
            row.path("roles").forEach(role -> roles.add(role.asText()));
            List<String> teams = new ArrayList<>();
            row.path("teams").forEach(team -> teams.add(team.path("name").asText()));
            members.put(row.path("userId").asText(), roles + " " + teams);
        }
        return members;
    }

    private List<JsonNode> rowsAsOf(Instant instant) throws Exception {
        HttpResponse<String> read = get(QUERY + "/api/v1/organizations/" + orgId + "/members?limit=200&asOf="
                + URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8), adminToken, Map.of("Consistency-Token", lastCommand));
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        json.readTree(read.body()).path("items").forEach(rows::add);
        assertThat(json.readTree(read.body()).path("nextCursor").isNull()).isTrue();
        return rows;
    }

    /** Every event of the organization's timeline with the extra query parameters, following the pages. */
    private List<JsonNode> timeline(String parameters) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            String url = QUERY + "/api/v1/organizations/" + orgId + "/events?limit=20" + parameters
                    + (cursor == null ? "" : "&cursor=" + cursor);
            HttpResponse<String> page = get(url, adminToken, Map.of("Consistency-Token", lastCommand));
            assertThat(page.statusCode()).as(describe(page)).isEqualTo(200);
            JsonNode body = json.readTree(page.body());
            body.path("items").forEach(events::add);
            cursor = body.path("nextCursor").isNull() ? null : body.path("nextCursor").asText();
        } while (cursor != null);
        return events;
    }

    private String export() throws Exception {
        HttpResponse<String> export = get(QUERY + "/api/v1/organizations/" + orgId + "/events/export", adminToken,
                Map.of("Accept", "application/x-ndjson", "Consistency-Token", lastCommand));
        assertThat(export.statusCode()).as(describe(export)).isEqualTo(200);
        return export.body();
    }

    /** Runs the single-file verifier with this JVM's java, as an auditor would run it: no build, no classpath. */
    private Verification verify(Path export) throws Exception {
        Path verifier = LocalStackConfig.findRepositoryRoot(Path.of(""))
                .resolve("query-service/src/main/java/io/roster/query/audit/ExportVerifier.java");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, verifier.toString(), export.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the verifier ends").isTrue();
        log.info("verifier on {}: exit {}: {}", export.getFileName(), process.exitValue(), output);
        return new Verification(process.exitValue(), output);
    }

    private record Verification(int exitCode, String output) {
    }

    private static int indexOf(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"name\":\"" + name + "\"")) {
                return i;
            }
        }
        throw new AssertionError("no " + name + " line in the export");
    }

    /** The token in the invitation link of the newest email to the address, read over IMAP. */
    private Optional<String> invitationTokenInMailOf(String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", PORTS.imap(), address, address);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Message[] messages = inbox.getMessages();
                for (int i = messages.length - 1; i >= 0; i--) {
                    Matcher link = Pattern.compile("/invite/([A-Za-z0-9_\\-]{16,})").matcher(textOf(messages[i]));
                    if (link.find()) {
                        return Optional.of(link.group(1));
                    }
                }
                return Optional.empty();
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    private static String textOf(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                text.append(textOf(multipart.getBodyPart(i))).append('\n');
            }
            return text.toString();
        }
        return content instanceof String text ? text : "";
    }

    /** The JSON of the InvitationIssued record of the invitation on {@code roster.invitation.v1}, once it is there. */
    private Optional<JsonNode> invitationIssued(String invitationId) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("roster.invitation.v1", Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (invitationId.equals(record.key()) && "roster.invitation.InvitationIssued.v1".equals(header(record, "ce_type"))) {
                        return Optional.of(readTree(record.value()));
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static String header(ConsumerRecord<String, String> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private String login(String email, String password) throws Exception {
        HttpResponse<String> response = expect(200, post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"));
        return json.readTree(response.body()).path("accessToken").asText();
    }

    private String subjectOf(String jwt) throws IOException {
        return json.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).path("sub").asText();
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(status);
        return response;
    }

    private HttpResponse<String> post(String url, String bearer, String body) throws Exception {
        return send("POST", url, bearer, body);
    }

    private HttpResponse<String> send(String method, String url, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String bearer, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (!headers.containsKey("Accept")) {
            request.header("Accept", "application/json, application/problem+json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertProblem(HttpResponse<String> response, int status, String code) throws IOException {
        String description = describe(response);
        assertThat(response.statusCode()).as(description).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(description)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).path("code").asText()).as(description).isEqualTo(code);
    }

    private static String describe(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return response.request().method() + " " + response.request().uri() + " -> " + response.statusCode() + " "
                + (body.length() > 600 ? body.substring(0, 600) + "..." : body);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
