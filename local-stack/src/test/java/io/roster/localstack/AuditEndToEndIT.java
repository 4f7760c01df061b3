package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static io.roster.localstack.StackHttp.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 6 end to end, across processes: the audit timeline, the membership at past instants and the
 * tamper-evident export of the query service, fed by the real identity, invitation and notification services
 * over Kafka, driven over HTTP and IMAP only. The steps build on each other and run in order.
 *
 * <p>It runs on the {@link SharedStack} and reads only its own organization's history; its export files are in the
 * stack's data folder ({@code local-stack/target/shared-stack-data/audit}).
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(AuditEndToEndIT.class);
    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String PASSWORD = "correct horse battery";
    /** The organization, membership and team events the scenario causes, in the order it causes them. */
    private static final Set<String> MEMBERSHIP_EVENTS = Set.of("OrganizationCreated", "MemberAdded", "TeamCreated",
            "MemberRolesChanged", "TeamRenamed", "MemberTeamsChanged", "MemberRemoved");

    private final StackHttp http = new StackHttp();

    private Path dataDir;
    private RunningStack stack;
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
        stack = SharedStack.stack();
        dataDir = SharedStack.folder("audit");
        adminToken = http.login(IDENTITY, "admin@roster.local", "roster-admin");
        adminId = http.subjectOf(adminToken);
    }

    /**
     * An admin builds an organization step by step, each step read back with its consistency token and followed
     * by a recorded instant; {@code ?asOf=} at each instant shows exactly the members, roles and teams of then.
     */
    @Test
    @Order(1)
    void theMembersAtEachRecordedInstantAreExactlyThoseOfThen() throws Exception {
        Instant beforeTheOrganization = Instant.now();

        HttpResponse<String> created = http.post(IDENTITY + "/api/v1/organizations", adminToken, "{\"name\":\"Audit Co\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        orgId = http.body(created).path("organizationId").asText();
        applied(created);
        HttpResponse<String> team = http.post(IDENTITY + "/api/v1/organizations/" + orgId + "/teams", adminToken, "{\"name\":\"Core\"}");
        assertThat(team.statusCode()).as(describe(team)).isEqualTo(201);
        teamId = http.body(team).path("teamId").asText();
        applied(team);
        ann = createUser("Ann", "ann.audit@example.io");
        bob = createUser("Bob", "bob.audit@example.io");

        String members = IDENTITY + "/api/v1/organizations/" + orgId + "/members";
        applied(expect(201, http.post(members, adminToken,
                "{\"userId\":\"" + ann + "\",\"roles\":[\"member\"],\"teamIds\":[\"" + teamId + "\"]}")));
        applied(expect(201, http.post(members, adminToken, "{\"userId\":\"" + bob + "\",\"roles\":[\"billing-manager\"]}")));
        Instant afterTheJoins = Instant.now();

        applied(expect(200, http.put(members + "/" + ann + "/roles", adminToken, "{\"roles\":[\"admin\"]}")));
        applied(expect(200, http.patch(IDENTITY + "/api/v1/organizations/" + orgId + "/teams/" + teamId, adminToken,
                "{\"name\":\"Platform\"}")));
        applied(expect(200, http.put(members + "/" + bob + "/teams", adminToken, "{\"teamIds\":[\"" + teamId + "\"]}")));
        Instant afterTheChanges = Instant.now();

        applied(expect(200, http.delete(members + "/" + bob, adminToken)));
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

        http.assertProblem(http.get(QUERY + "/api/v1/organizations/" + orgId + "/members?asOf=last-tuesday", adminToken),
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

        // the NDJSON stream is the same timeline, read right after it: the notification service's events (the
        // welcome emails' NotificationSent) may still arrive, so both are read again until no event came in between
        await("the NDJSON stream and the paged timeline agree").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    HttpResponse<String> streamed = http.get(QUERY + "/api/v1/organizations/" + orgId + "/events", adminToken,
                            Map.of("Accept", "application/x-ndjson"));
                    assertThat(streamed.statusCode()).as(describe(streamed)).isEqualTo(200);
                    assertThat(streamed.headers().firstValue("Content-Type"))
                            .hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
                    List<String> streamedIds = streamed.body().lines().map(http::readTree).map(e -> e.path("eventId").asText()).toList();
                    assertThat(streamedIds).containsExactlyElementsOf(timeline("").stream().map(e -> e.path("eventId").asText()).toList());
                });
    }

    @Test
    @Order(3)
    void aTypeFilterKeepsOnlyThatType() throws Exception {
        assertThat(timeline("&type=MemberAdded")).extracting(e -> e.path("payload").path("userId").asText())
                .containsExactly(adminId, ann, bob);
        assertThat(timeline("&type=roster.identity.MemberRemoved.v1")).extracting(e -> e.path("payload").path("userId").asText())
                .containsExactly(bob);
        http.assertProblem(http.get(QUERY + "/api/v1/organizations/" + orgId + "/events?type=Nonsense", adminToken),
                400, "validation_failed");
    }

    @Test
    @Order(4)
    void aMemberWhoIsNoAdminIsRefused() throws Exception {
        String dan = createUser("Dan", "dan.audit@example.io");
        lastCommand = consistencyToken(applied(expect(201, http.post(IDENTITY + "/api/v1/organizations/" + orgId + "/members",
                adminToken, "{\"userId\":\"" + dan + "\",\"roles\":[\"member\"]}"))));
        String danToken = http.login(IDENTITY, "dan.audit@example.io", PASSWORD);

        http.assertProblem(http.get(QUERY + "/api/v1/organizations/" + orgId + "/events", danToken), 403, "forbidden");
        http.assertProblem(http.get(QUERY + "/api/v1/organizations/" + orgId + "/events/export", danToken,
                Map.of("Accept", "application/x-ndjson")), 403, "forbidden");
        // the membership at an instant is for every reader of the organization, like the member list
        HttpResponse<String> asOf = http.get(QUERY + "/api/v1/organizations/" + orgId + "/members?asOf="
                + URLEncoder.encode(Instant.now().minusSeconds(1).toString(), StandardCharsets.UTF_8), danToken);
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
                .until(() -> http.post(INVITATION + "/api/v1/organizations/" + orgId + "/invitations", adminToken,
                        "{\"emails\":[\"" + invitee + "\"],\"roles\":[\"member\"]}"), response -> response.statusCode() != 404);
        assertThat(invited.statusCode()).as(describe(invited)).isEqualTo(201);
        String invitationId = http.body(invited).path("invitations").get(0).path("invitationId").asText();
        lastCommand = consistencyToken(invited);

        List<String> links = await("the invitation email to " + invitee).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> Mailbox.inviteLinks(PORTS, invitee), found -> !found.isEmpty());
        String rawToken = Mailbox.tokenOf(links.get(links.size() - 1));
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

        String paged = expect(200, http.get(QUERY + "/api/v1/organizations/" + orgId + "/events?limit=200", adminToken,
                Map.of("Consistency-Token", lastCommand))).body();
        String streamed = expect(200, http.get(QUERY + "/api/v1/organizations/" + orgId + "/events", adminToken,
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
        HttpResponse<String> created = expect(201, http.post(IDENTITY + "/api/v1/users", adminToken,
                "{\"firstName\":\"" + firstName + "\",\"lastName\":\"Auditor\",\"email\":\"" + email
                        + "\",\"password\":\"" + PASSWORD + "\"}"));
        applied(created);
        return http.body(created).path("userId").asText();
    }

    /** Waits until the query service applied the command (its consistency token), and insists it did. */
    private HttpResponse<String> applied(HttpResponse<String> command) throws Exception {
        String token = consistencyToken(command);
        HttpResponse<String> read = http.get(QUERY + "/api/v1/organizations", adminToken, Map.of("Consistency-Token", token));
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
        HttpResponse<String> read = http.get(QUERY + "/api/v1/organizations/" + orgId + "/members?limit=200&asOf="
                + URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8), adminToken, Map.of("Consistency-Token", lastCommand));
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        http.body(read).path("items").forEach(rows::add);
        assertThat(http.body(read).path("nextCursor").isNull()).isTrue();
        return rows;
    }

    /** Every event of the organization's timeline with the extra query parameters, following the pages. */
    private List<JsonNode> timeline(String parameters) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            String url = QUERY + "/api/v1/organizations/" + orgId + "/events?limit=20" + parameters
                    + (cursor == null ? "" : "&cursor=" + cursor);
            HttpResponse<String> page = http.get(url, adminToken, Map.of("Consistency-Token", lastCommand));
            assertThat(page.statusCode()).as(describe(page)).isEqualTo(200);
            JsonNode body = http.body(page);
            body.path("items").forEach(events::add);
            cursor = body.path("nextCursor").isNull() ? null : body.path("nextCursor").asText();
        } while (cursor != null);
        return events;
    }

    private String export() throws Exception {
        HttpResponse<String> export = http.get(QUERY + "/api/v1/organizations/" + orgId + "/events/export", adminToken,
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

    /** The JSON of the InvitationIssued record of the invitation on {@code roster.invitation.v1}, once it is there. */
    private Optional<JsonNode> invitationIssued(String invitationId) {
        return TopicRecords.all(PORTS, "roster.invitation.v1").stream()
                .filter(record -> invitationId.equals(record.key())
                        && "InvitationIssued".equals(StackInvariants.typeName(record)))
                .findFirst()
                .map(record -> http.readTree(record.value()));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
