package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
 * End to end: the whole suite as separate processes (Kafka broker and the four services; the Mongo-wire server and
 * GreenMail inside this JVM, as in the launcher), on ports that do not clash with a running local stack, driven
 * through HTTP, Kafka and IMAP only. The steps build on each other and run in order.
 *
 * <p>The data folder is {@code local-stack/target/e2e-data}: it is wiped at the start and kept afterwards, so the
 * services' logs ({@code logs/<service>.log}) can be read after a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(LocalStackEndToEndIT.class);
    private static final Ports PORTS = new Ports(19092, 19093, 17017, 13025, 13143, 18025, 18081, 18082, 18083, 18084);
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String PASSWORD = "correct horse battery staple";
    private static final String TOPIC = "roster.identity.v1";
    private static final String ORGANIZATION_CREATED = "roster.identity.OrganizationCreated.v1";
    private static final long TWO_GIB = 2L * 1024 * 1024 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private LocalStackConfig config;
    private LocalStack stack;
    private String accessToken;
    private String acmeId;
    private String globexId;
    private String membershipCoId;

    @BeforeAll
    void startTheStack() throws IOException {
        Path dataDir = Path.of("target", "e2e-data").toAbsolutePath();
        deleteRecursively(dataDir);
        config = LocalStackConfig.defaults(LocalStackConfig.findRepositoryRoot(Path.of("")))
                .withDataDir(dataDir)
                .withPorts(PORTS);
        log.info("== starting the whole stack on ports {}, data folder {}", PORTS, dataDir);
        stack = LocalStack.start(config);
        logStartupFigures("first start");
    }

    @AfterAll
    void stopTheStack() {
        if (stack != null) {
            stack.close();
            logErrorsInServiceLogs();
        }
    }

    @Test
    @Order(1)
    void theBootstrapAdminLogsIn() throws Exception {
        accessToken = login();

        assertProblem(post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"admin@roster.local\",\"password\":\"wrong\"}"), 401, "invalid_credentials");
        assertProblem(post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"nobody@roster.local\",\"password\":\"roster-admin\"}"), 401, "invalid_credentials");
    }

    private String login() throws Exception {
        HttpResponse<String> response = post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"admin@roster.local\",\"password\":\"roster-admin\"}");
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(body.path("expiresIn").asLong()).isPositive();
        assertThat(body.path("accessToken").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        return body.path("accessToken").asText();
    }

    @Test
    @Order(2)
    void anOrganizationIsReadableAtOnceWithTheCommandsConsistencyToken() throws Exception {
        HttpResponse<String> created = post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Acme\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        acmeId = json.readTree(created.body()).path("organizationId").asText();
        assertThat(UUID.fromString(acmeId)).isNotNull();
        String consistencyToken = created.headers().firstValue("Consistency-Token").orElse(null);
        assertThat(consistencyToken).as("Consistency-Token header of " + describe(created)).isNotBlank();

        long asked = System.nanoTime();
        HttpResponse<String> read = get(QUERY + "/api/v1/organizations/" + acmeId, accessToken,
                Map.of("Consistency-Token", consistencyToken));
        log.info("read-your-writes: the query answered in {} ms", (System.nanoTime() - asked) / 1_000_000);
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        JsonNode organization = json.readTree(read.body());
        assertThat(organization.path("organizationId").asText()).isEqualTo(acmeId);
        assertThat(organization.path("name").asText()).isEqualTo("Acme");
    }

    @Test
    @Order(3)
    void withoutTheTokenAnOrganizationAppearsWithinMoments() throws Exception {
        HttpResponse<String> created = post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Globex\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        long createdAt = System.nanoTime();
        globexId = json.readTree(created.body()).path("organizationId").asText();

        HttpResponse<String> read = await("Globex visible on the query service").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> get(QUERY + "/api/v1/organizations/" + globexId, accessToken, Map.of()),
                        response -> response.statusCode() == 200);
        log.info("eventual consistency: visible on the query service {} ms after the 201",
                (System.nanoTime() - createdAt) / 1_000_000);
        assertThat(json.readTree(read.body()).path("name").asText()).isEqualTo("Globex");
    }

    @Test
    @Order(4)
    void badRequestsGetProblemDetailsWithACodeNeverA500() throws Exception {
        String organizations = IDENTITY + "/api/v1/organizations";

        assertProblem(post(organizations, null, "{\"name\":\"NoToken\"}"), 401, "unauthenticated");
        assertProblem(get(QUERY + "/api/v1/organizations/" + acmeId, null, Map.of()), 401, "unauthenticated");
        assertProblem(post(organizations, "not-a-jwt", "{\"name\":\"Garbage\"}"), 401, "unauthenticated");
        assertProblem(post(organizations, signedByAnotherKey(accessToken), "{\"name\":\"Forged\"}"), 401,
                "unauthenticated");
        assertProblem(get(QUERY + "/api/v1/organizations/" + acmeId, signedByAnotherKey(accessToken), Map.of()), 401,
                "unauthenticated");
        assertProblem(post(organizations, unsigned(accessToken), "{\"name\":\"AlgNone\"}"), 401, "unauthenticated");

        assertProblem(post(organizations, accessToken, "{\"name\": "), 400, "malformed_request");
        HttpResponse<String> missingName = post(organizations, accessToken, "{}");
        assertProblem(missingName, 400, "validation_failed");
        assertThat(json.readTree(missingName.body()).path("errors"))
                .as(describe(missingName))
                .anySatisfy(error -> assertThat(error.path("field").asText()).isEqualTo("name"));

        String twoMegabytes = "{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";
        assertProblem(post(organizations, accessToken, twoMegabytes), 413, "payload_too_large");
    }

    @Test
    @Order(5)
    void theOrganizationCreatedRecordCarriesCloudEventsHeadersAndTheEventAsJson() throws Exception {
        List<ConsumerRecord<String, String>> records = await("OrganizationCreated of Acme on " + TOPIC)
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(this::readIdentityTopic, all -> all.stream().anyMatch(r -> isOrganizationCreated(r, acmeId)));
        ConsumerRecord<String, String> record = records.stream()
                .filter(r -> isOrganizationCreated(r, acmeId)).findFirst().orElseThrow();
        log.info("OrganizationCreated record: key {}, headers {}, value {}", record.key(), headers(record), record.value());

        assertThat(record.key()).as("record key = aggregate id").isEqualTo(acmeId);
        Map<String, String> headers = headers(record);
        assertThat(headers).containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_type", ORGANIZATION_CREATED)
                .containsEntry("ce_source", "/roster/identity-command-service")
                .containsEntry("ce_subject", acmeId)
                .containsEntry("ce_aggregateid", acmeId)
                .containsKeys("ce_id", "ce_time", "ce_aggregatesequence");
        assertThat(UUID.fromString(headers.get("ce_id"))).isNotNull();
        assertThat(OffsetDateTime.parse(headers.get("ce_time"))).isNotNull();
        assertThat(Long.parseLong(headers.get("ce_aggregatesequence"))).isNotNegative();

        JsonNode value = json.readTree(record.value());
        assertThat(value.path("name").asText()).isEqualTo("Acme");
        assertThat(value.path("organizationId").asText()).isEqualTo(acmeId);
        assertThat(value.path("eventId").asText()).as("eventId = ce_id").isEqualTo(headers.get("ce_id"));
    }

    @Test
    @Order(6)
    void anyAddressLogsInToTheMailCatchersImapWithItselfAsPassword() throws Exception {
        String address = "anyone-" + UUID.randomUUID() + "@example.com";
        assertThat(InfrastructureIT.imapSubjects(PORTS, address)).isEmpty();
    }

    /** Issue 3's scenario: every step is visible at once in the query API with the command's consistency token. */
    @Test
    @Order(7)
    void anAdminManagesMembersRolesAndTeamsAndTheRulesHold() throws Exception {
        String adminId = json.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1])).path("sub").asText();
        HttpResponse<String> org = post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Membership Co\"}");
        assertThat(org.statusCode()).as(describe(org)).isEqualTo(201);
        String orgId = json.readTree(org.body()).path("organizationId").asText();
        membershipCoId = orgId;
        String members = IDENTITY + "/api/v1/organizations/" + orgId + "/members";

        HttpResponse<String> team = post(IDENTITY + "/api/v1/organizations/" + orgId + "/teams", accessToken, "{\"name\":\"Core\"}");
        assertThat(team.statusCode()).as(describe(team)).isEqualTo(201);
        String teamId = json.readTree(team.body()).path("teamId").asText();

        String ann = createUser("Ann", "ann.e2e@example.io");
        String bob = createUser("Bob", "bob.e2e@example.io");
        HttpResponse<String> addAnn = post(members, accessToken,
                "{\"userId\":\"" + ann + "\",\"roles\":[\"member\"],\"teamIds\":[\"" + teamId + "\"]}");
        assertThat(addAnn.statusCode()).as(describe(addAnn)).isEqualTo(201);
        HttpResponse<String> addBob = post(members, accessToken, "{\"email\":\"BOB.e2e@example.io\",\"roles\":[\"billing-manager\"]}");
        assertThat(addBob.statusCode()).as(describe(addBob)).isEqualTo(201);
        JsonNode rows = membersSeenAfter(orgId, addBob);
        assertThat(rows.findValuesAsText("userId")).containsExactlyInAnyOrder(adminId, ann, bob);
        JsonNode annRow = row(rows, ann);
        assertThat(annRow.path("roles").toString()).isEqualTo("[\"member\"]");
        assertThat(annRow.path("teams").get(0).path("name").asText()).isEqualTo("Core");
        assertThat(annRow.path("firstName").asText()).isEqualTo("Ann");
        assertThat(annRow.path("email").asText()).isEqualTo("ann.e2e@example.io");
        assertThat(row(rows, bob).path("roles").toString()).isEqualTo("[\"billing-manager\"]");

        HttpResponse<String> promote = send("PUT", members + "/" + ann + "/roles", "{\"roles\":[\"admin\"]}");
        assertThat(promote.statusCode()).as(describe(promote)).isEqualTo(200);
        assertThat(row(membersSeenAfter(orgId, promote), ann).path("roles").toString()).isEqualTo("[\"admin\"]");

        HttpResponse<String> removeBoth = send("DELETE", members + "/" + ann + "," + bob, null);
        assertThat(removeBoth.statusCode()).as(describe(removeBoth)).isEqualTo(200);
        JsonNode removed = json.readTree(removeBoth.body());
        assertThat(textsOf(removed.path("removed"))).containsExactlyInAnyOrder(ann, bob);
        assertThat(removed.path("notMembers").size()).isZero();
        assertThat(membersSeenAfter(orgId, removeBoth).findValuesAsText("userId")).containsExactly(adminId);

        assertProblem(send("DELETE", members + "/" + adminId, null), 409, "last_admin");
        assertProblem(send("PUT", members + "/" + adminId + "/roles", "{\"roles\":[\"member\"]}"), 409, "last_admin");
        assertProblem(send("DELETE", IDENTITY + "/api/v1/users/" + adminId, null), 409, "cannot_delete_self");
        assertThat(membersSeenAfter(orgId, removeBoth).findValuesAsText("userId")).containsExactly(adminId);
    }

    private String createUser(String firstName, String email) throws Exception {
        HttpResponse<String> created = post(IDENTITY + "/api/v1/users", accessToken,
                "{\"firstName\":\"" + firstName + "\",\"lastName\":\"Tester\",\"email\":\"" + email
                        + "\",\"password\":\"correct horse battery\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        return json.readTree(created.body()).path("userId").asText();
    }

    /** The organization's members as the query service answers right after a command, with its consistency token. */
    private JsonNode membersSeenAfter(String orgId, HttpResponse<String> command) throws Exception {
        String consistencyToken = command.headers().firstValue("Consistency-Token").orElseThrow(
                () -> new AssertionError("no Consistency-Token on " + describe(command)));
        HttpResponse<String> read = get(QUERY + "/api/v1/organizations/" + orgId + "/members", accessToken,
                Map.of("Consistency-Token", consistencyToken));
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        assertThat(read.headers().firstValue("Consistency-Reached")).hasValue("true");
        return json.readTree(read.body()).path("items");
    }

    private static JsonNode row(JsonNode rows, String userId) {
        for (JsonNode row : rows) {
            if (userId.equals(row.path("userId").asText())) {
                return row;
            }
        }
        throw new AssertionError("no member " + userId + " in " + rows);
    }

    private static List<String> textsOf(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", "Bearer " + accessToken)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(8)
    void aRestartKeepsEveryOrganizationTheKafkaOffsetsAndPublishesNoDuplicate() throws Exception {
        Map<String, Long> offsetsBefore = committedOffsetsOnIdentityTopic();
        log.info("consumer groups' committed offsets on {} before the restart: {}", TOPIC, offsetsBefore);
        assertThat(offsetsBefore).as("some service consumes " + TOPIC).isNotEmpty();

        log.info("== stopping the stack (the Ctrl-C code path)");
        List<ProcessHandle> processes = stack.processTree();
        stack.close();
        assertThat(processes).hasSizeGreaterThanOrEqualTo(5)
                .as("no child process is left behind").noneMatch(ProcessHandle::isAlive);
        PORTS.byName().forEach((name, port) -> assertThat(isFree(port)).as(name + " port " + port + " is free").isTrue());

        log.info("== starting the stack again on the same data folder");
        stack = LocalStack.start(config);
        logStartupFigures("restart");

        assertThat(committedOffsetsOnIdentityTopic()).as("committed offsets survive the restart")
                .containsAllEntriesOf(offsetsBefore);

        HttpResponse<String> oldTokenStillValid = get(QUERY + "/api/v1/organizations/" + acmeId, accessToken, Map.of());
        assertThat(oldTokenStillValid.statusCode()).as("a token issued before the restart (signing key kept): "
                + describe(oldTokenStillValid)).isEqualTo(200);
        assertThat(json.readTree(oldTokenStillValid.body()).path("name").asText()).isEqualTo("Acme");

        accessToken = login();
        HttpResponse<String> globex = get(QUERY + "/api/v1/organizations/" + globexId, accessToken, Map.of());
        assertThat(globex.statusCode()).as(describe(globex)).isEqualTo(200);

        HttpResponse<String> created = post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Initech\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        String initechId = json.readTree(created.body()).path("organizationId").asText();
        HttpResponse<String> initech = get(QUERY + "/api/v1/organizations/" + initechId, accessToken,
                Map.of("Consistency-Token", created.headers().firstValue("Consistency-Token").orElseThrow()));
        assertThat(initech.statusCode()).as(describe(initech)).isEqualTo(200);
        assertThat(json.readTree(initech.body()).path("name").asText()).isEqualTo("Initech");

        List<ConsumerRecord<String, String>> records = await("OrganizationCreated of Initech on " + TOPIC)
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(this::readIdentityTopic, all -> all.stream().anyMatch(r -> isOrganizationCreated(r, initechId)));
        Map<String, Long> createdPerOrganization = records.stream()
                .filter(r -> ORGANIZATION_CREATED.equals(headers(r).get("ce_type")))
                .collect(Collectors.groupingBy(r -> headers(r).get("ce_aggregateid"), Collectors.counting()));
        log.info("OrganizationCreated records per organization on {}: {}", TOPIC, createdPerOrganization);
        assertThat(createdPerOrganization).as("exactly one OrganizationCreated per organization, no duplicate")
                .isEqualTo(Map.of(acmeId, 1L, globexId, 1L, membershipCoId, 1L, initechId, 1L));
    }

    /**
     * Issue 5's scenario, read over IMAP as invitees read it: invite two addresses, one email each; the first signs up
     * through its link and accepts, and is an active member with the invited roles and teams (never also pending); the
     * second is revoked and its link answers {@code invitation_revoked}.
     */
    @Test
    @Order(9)
    void invitedPeopleSignUpThroughTheirEmailedLinkAndARevokedLinkIsDead() throws Exception {
        accessToken = login();
        String organizationId = createOrganization("Invitco");
        String teamId = createTeam(organizationId, "Crew");
        String first = "first-" + UUID.randomUUID() + "@invitees.test";
        String second = "second-" + UUID.randomUUID() + "@invitees.test";

        JsonNode invited = invite(organizationId, "{\"emails\":[\"" + first + "\",\"" + second + "\"],"
                + "\"roles\":[\"billing-manager\"],\"teamIds\":[\"" + teamId + "\"]}");
        assertThat(invited.path("rejected")).isEmpty();
        String secondInvitation = invited.path("invitations").get(1).path("invitationId").asText();

        String firstLink = awaitInviteLinks(first, 1).get(0);
        String secondLink = awaitInviteLinks(second, 1).get(0);
        assertThat(firstLink).startsWith(INVITATION + "/invite/");

        String firstUser = signUp(first, Mailbox.tokenOf(firstLink));
        String firstToken = login(first, PASSWORD);
        HttpResponse<String> accepted = post(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(firstLink) + "/accept", firstToken, "");
        assertThat(accepted.statusCode()).as("accepting again after the sign-up's own acceptance: " + describe(accepted)).isEqualTo(200);
        assertThat(json.readTree(accepted.body()).path("organizationId").asText()).isEqualTo(organizationId);

        JsonNode member = awaitMember(organizationId, first, "active");
        assertThat(member.path("userId").asText()).isEqualTo(firstUser);
        assertThat(member.path("roles")).extracting(JsonNode::asText).containsExactly("billing-manager");
        assertThat(member.path("teams")).extracting(team -> team.path("name").asText()).containsExactly("Crew");
        assertThat(members(organizationId, "pending")).extracting(m -> m.path("email").asText())
                .as("an accepted invitee is not listed as pending too").doesNotContain(first).contains(second);

        HttpResponse<String> revoked = delete(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations/" + secondInvitation);
        assertThat(revoked.statusCode()).as(describe(revoked)).isBetween(200, 204);
        assertProblem(post(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(secondLink) + "/accept", accessToken, ""),
                410, "invitation_revoked");
        await("identity refuses signing up with the revoked token").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertProblem(signUpResponse(second, Mailbox.tokenOf(secondLink)), 410, "invitation_revoked"));
    }

    /** A resend sends a new email; the old link stops working and the new one works. */
    @Test
    @Order(10)
    void aResendKillsTheOldLinkAndTheNewOneWorks() throws Exception {
        String organizationId = createOrganization("Resendco");
        String third = "third-" + UUID.randomUUID() + "@invitees.test";
        JsonNode invited = invite(organizationId, "{\"emails\":[\"" + third + "\"],\"roles\":[\"member\"]}");
        String invitationId = invited.path("invitations").get(0).path("invitationId").asText();
        String oldLink = awaitInviteLinks(third, 1).get(0);

        HttpResponse<String> resent = post(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations/"
                + invitationId + "/resend", accessToken, "");
        assertThat(resent.statusCode()).as(describe(resent)).isBetween(200, 202);
        String newLink = awaitInviteLinks(third, 2).get(1);
        assertThat(newLink).isNotEqualTo(oldLink);

        assertProblem(get(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(oldLink), null, Map.of()), 404, "invitation_not_found");
        HttpResponse<String> preview = get(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(newLink), null, Map.of());
        assertThat(preview.statusCode()).as(describe(preview)).isEqualTo(200);
        assertThat(json.readTree(preview.body()).path("organizationName").asText()).isEqualTo("Resendco");
        await("identity refuses the old token").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertProblem(signUpResponse(third, Mailbox.tokenOf(oldLink)), 404, "invitation_not_found"));

        signUp(third, Mailbox.tokenOf(newLink));
        awaitMember(organizationId, third, "active");
    }

    /** Expiry is an event: an invitation past its expiry shows expired with nobody touching it. */
    @Test
    @Order(11)
    void anInvitationWhoseExpiryPassesShowsExpiredWithNobodyTouchingIt() throws Exception {
        String organizationId = createOrganization("Expireco");
        String fourth = "fourth-" + UUID.randomUUID() + "@invitees.test";
        String expiresAt = java.time.Instant.now().plusSeconds(5).toString();
        JsonNode invited = invite(organizationId, "{\"emails\":[\"" + fourth + "\"],\"roles\":[\"member\"],"
                + "\"expiresAt\":\"" + expiresAt + "\"}");
        String invitationId = invited.path("invitations").get(0).path("invitationId").asText();
        assertThat(invited.path("invitations").get(0).path("status").asText()).isEqualTo("pending");

        JsonNode expired = await("the invitation expires by itself").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> invitations(organizationId, "expired"),
                        items -> items.stream().anyMatch(i -> i.path("invitationId").asText().equals(invitationId)))
                .stream().filter(i -> i.path("invitationId").asText().equals(invitationId)).findFirst().orElseThrow();
        assertThat(expired.path("email").asText()).isEqualTo(fourth);
        assertThat(members(organizationId, "pending")).extracting(m -> m.path("email").asText()).doesNotContain(fourth);
        String link = awaitInviteLinks(fourth, 1).get(0);
        assertProblem(signUpResponse(fourth, Mailbox.tokenOf(link)), 410, "invitation_expired");
    }

    private String createOrganization(String name) throws Exception {
        HttpResponse<String> created = post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        return json.readTree(created.body()).path("organizationId").asText();
    }

    private String createTeam(String organizationId, String name) throws Exception {
        HttpResponse<String> created = post(IDENTITY + "/api/v1/organizations/" + organizationId + "/teams", accessToken,
                "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        return json.readTree(created.body()).path("teamId").asText();
    }

    /** The invitation service learns of the organization and its teams from Kafka: it may take a moment. */
    private JsonNode invite(String organizationId, String body) throws Exception {
        HttpResponse<String> response = await("the invitation service knows " + organizationId).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> post(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations", accessToken, body),
                        r -> r.statusCode() != 403 && r.statusCode() != 404 && !(r.statusCode() == 400 && r.body().contains("teamIds")));
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
        return json.readTree(response.body());
    }

    private List<String> awaitInviteLinks(String address, int count) {
        return await("invitation emails to " + address).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> Mailbox.inviteLinks(PORTS, address), links -> links.size() >= count);
    }

    private HttpResponse<String> signUpResponse(String email, String invitationToken) throws Exception {
        return post(IDENTITY + "/api/v1/auth/sign-up", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                + "\",\"firstName\":\"In\",\"lastName\":\"Vitee\",\"invitationToken\":\"" + invitationToken + "\"}");
    }

    /** Identity learns of the invitation's token from Kafka: until then it answers invitation_not_found. */
    private String signUp(String email, String invitationToken) throws Exception {
        HttpResponse<String> response = await("sign-up of " + email).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> signUpResponse(email, invitationToken), r -> r.statusCode() != 404);
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
        return json.readTree(response.body()).path("userId").asText();
    }

    private String login(String email, String password) throws Exception {
        HttpResponse<String> response = post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
        return json.readTree(response.body()).path("accessToken").asText();
    }

    private JsonNode awaitMember(String organizationId, String email, String status) {
        return await(email + " " + status + " in " + organizationId).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> members(organizationId, status).stream().filter(m -> m.path("email").asText().equals(email)).findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    private List<JsonNode> members(String organizationId, String status) throws Exception {
        return items(QUERY + "/api/v1/organizations/" + organizationId + "/members?limit=200&status=" + status);
    }

    private List<JsonNode> invitations(String organizationId, String status) throws Exception {
        return items(QUERY + "/api/v1/organizations/" + organizationId + "/invitations?limit=200&status=" + status);
    }

    private List<JsonNode> items(String url) throws Exception {
        HttpResponse<String> response = get(url, accessToken, Map.of());
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        json.readTree(response.body()).path("items").forEach(items::add);
        return items;
    }

    private HttpResponse<String> delete(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + accessToken).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------------------------------------------------

    private void logStartupFigures(String which) {
        Map<String, OptionalLong> memory = stack.residentMemory();
        long total = memory.values().stream().mapToLong(value -> value.orElse(0)).sum();
        StringBuilder table = new StringBuilder();
        memory.forEach((name, bytes) -> table.append(String.format("%n   %-26s %10s", name, ResidentMemory.format(bytes))));
        table.append(String.format("%n   %-26s %10s", "total", ResidentMemory.format(total)));
        log.info("== {}: ready in {} ms. Resident memory (VmRSS; 'launcher' is this test JVM, which hosts the "
                + "Mongo-wire server and GreenMail as the launcher does):{}", which, stack.startupTime().toMillis(), table);
        if (stack.startupTime().compareTo(Duration.ofSeconds(60)) > 0) {
            log.warn("start-up took {} s, more than the 60 s target", stack.startupTime().toSeconds());
        }
        assertThat(total).as("all processes together stay under 2 GiB resident").isLessThan(TWO_GIB);
    }

    private void logErrorsInServiceLogs() {
        for (String name : stack.childProcesses().keySet()) {
            Path file = stack.logFile(name);
            try (Stream<String> lines = Files.lines(file)) {
                List<String> errors = lines.filter(line -> line.contains(" ERROR ")).limit(20).toList();
                if (!errors.isEmpty()) {
                    log.warn("{} logged errors (first {}), see {}:\n{}", name, errors.size(), file,
                            String.join("\n", errors));
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("cannot read {}: {}", file, e.toString());
            }
        }
    }

    private HttpResponse<String> post(String url, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String bearer, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json, application/problem+json")
                .GET();
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
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("code").asText()).as(description).isEqualTo(code);
        assertThat(problem.path("status").asInt()).as(description).isEqualTo(status);
        assertThat(problem.path("title").asText()).as(description).isNotBlank();
    }

    private static String describe(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return response.request().method() + " " + response.request().uri() + " -> " + response.statusCode() + " "
                + response.headers().firstValue("Content-Type").orElse("(no content type)") + " "
                + (body.length() > 600 ? body.substring(0, 600) + "..." : body);
    }

    /** The same header and claims, signed by a freshly generated RSA key (kid kept: a forgery attempt). */
    private static String signedByAnotherKey(String token) throws Exception {
        String[] parts = token.split("\\.");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(generator.generateKeyPair().getPrivate());
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }

    /** The same claims with {@code "alg":"none"} and no signature. */
    private static String unsigned(String token) {
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + token.split("\\.")[1] + ".";
    }

    private List<ConsumerRecord<String, String>> readIdentityTopic() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + TOPIC + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort(Comparator.comparingLong(ConsumerRecord::offset));
            return records;
        }
    }

    private Map<String, Long> committedOffsetsOnIdentityTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka()))) {
            Map<String, Long> offsets = new HashMap<>();
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                committed.forEach((partition, offset) -> {
                    if (partition.topic().equals(TOPIC) && offset != null) {
                        offsets.put(group.groupId() + "/" + partition.partition(), offset.offset());
                    }
                });
            }
            return offsets;
        }
    }

    private static boolean isOrganizationCreated(ConsumerRecord<String, String> record, String organizationId) {
        Map<String, String> headers = headers(record);
        return ORGANIZATION_CREATED.equals(headers.get("ce_type")) && organizationId.equals(headers.get("ce_subject"));
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
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
