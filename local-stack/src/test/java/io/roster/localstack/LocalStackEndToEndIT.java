package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AutoClose;
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
    private static final Ports PORTS = TestPorts.block(11);
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String PASSWORD = "correct horse battery staple";
    private static final String TOPIC = "roster.identity.v1";
    private static final String ORGANIZATION_CREATED = "roster.identity.OrganizationCreated.v1";
    private static final long TWO_GIB = 2L * 1024 * 1024 * 1024;

    private final StackHttp http = new StackHttp();

    private LocalStackConfig config;
    @AutoClose
    private RunningStack stack;
    private String accessToken;
    private String acmeId;
    private String globexId;
    private String membershipCoId;

    @BeforeAll
    void startTheStack() throws IOException {
        config = RunningStack.onWipedDataFolder("e2e-data", PORTS);
        stack = RunningStack.start(config);
        assertUnderTwoGibResident();
    }

    @Test
    @Order(1)
    void theBootstrapAdminLogsIn() throws Exception {
        accessToken = login();

        http.assertProblem(http.post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"admin@roster.local\",\"password\":\"wrong\"}"), 401, "invalid_credentials");
        http.assertProblem(http.post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"nobody@roster.local\",\"password\":\"roster-admin\"}"), 401, "invalid_credentials");
    }

    private String login() throws Exception {
        HttpResponse<String> response = http.post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"admin@roster.local\",\"password\":\"roster-admin\"}");
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
        JsonNode body = http.body(response);
        assertThat(body.path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(body.path("expiresIn").asLong()).isPositive();
        assertThat(body.path("accessToken").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        return body.path("accessToken").asText();
    }

    @Test
    @Order(2)
    void anOrganizationIsReadableAtOnceWithTheCommandsConsistencyToken() throws Exception {
        HttpResponse<String> created = http.post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Acme\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        acmeId = http.body(created).path("organizationId").asText();
        assertThat(UUID.fromString(acmeId)).isNotNull();
        String consistencyToken = created.headers().firstValue("Consistency-Token").orElse(null);
        assertThat(consistencyToken).as("Consistency-Token header of " + describe(created)).isNotBlank();

        long asked = System.nanoTime();
        HttpResponse<String> read = http.get(QUERY + "/api/v1/organizations/" + acmeId, accessToken,
                Map.of("Consistency-Token", consistencyToken));
        log.info("read-your-writes: the query answered in {} ms", (System.nanoTime() - asked) / 1_000_000);
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        JsonNode organization = http.body(read);
        assertThat(organization.path("organizationId").asText()).isEqualTo(acmeId);
        assertThat(organization.path("name").asText()).isEqualTo("Acme");
    }

    @Test
    @Order(3)
    void withoutTheTokenAnOrganizationAppearsWithinMoments() throws Exception {
        HttpResponse<String> created = http.post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Globex\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        long createdAt = System.nanoTime();
        globexId = http.body(created).path("organizationId").asText();

        HttpResponse<String> read = await("Globex visible on the query service").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> http.get(QUERY + "/api/v1/organizations/" + globexId, accessToken),
                        response -> response.statusCode() == 200);
        log.info("eventual consistency: visible on the query service {} ms after the 201",
                (System.nanoTime() - createdAt) / 1_000_000);
        assertThat(http.body(read).path("name").asText()).isEqualTo("Globex");
    }

    @Test
    @Order(4)
    void badRequestsGetProblemDetailsWithACodeNeverA500() throws Exception {
        String organizations = IDENTITY + "/api/v1/organizations";

        http.assertProblem(http.post(organizations, null, "{\"name\":\"NoToken\"}"), 401, "unauthenticated");
        http.assertProblem(http.get(QUERY + "/api/v1/organizations/" + acmeId, null), 401, "unauthenticated");
        http.assertProblem(http.post(organizations, "not-a-jwt", "{\"name\":\"Garbage\"}"), 401, "unauthenticated");
        http.assertProblem(http.post(organizations, signedByAnotherKey(accessToken), "{\"name\":\"Forged\"}"), 401,
                "unauthenticated");
        http.assertProblem(http.get(QUERY + "/api/v1/organizations/" + acmeId, signedByAnotherKey(accessToken)), 401,
                "unauthenticated");
        http.assertProblem(http.post(organizations, unsigned(accessToken), "{\"name\":\"AlgNone\"}"), 401, "unauthenticated");

        http.assertProblem(http.post(organizations, accessToken, "{\"name\": "), 400, "malformed_request");
        HttpResponse<String> missingName = http.post(organizations, accessToken, "{}");
        http.assertProblem(missingName, 400, "validation_failed");
        assertThat(http.body(missingName).path("errors"))
                .as(describe(missingName))
                .anySatisfy(error -> assertThat(error.path("field").asText()).isEqualTo("name"));

        String twoMegabytes = "{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";
        http.assertProblem(http.post(organizations, accessToken, twoMegabytes), 413, "payload_too_large");
    }

    @Test
    @Order(5)
    void theOrganizationCreatedRecordCarriesCloudEventsHeadersAndTheEventAsJson() throws Exception {
        List<ConsumerRecord<String, String>> records = await("OrganizationCreated of Acme on " + TOPIC)
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicRecords.all(PORTS, TOPIC), all -> all.stream().anyMatch(r -> isOrganizationCreated(r, acmeId)));
        ConsumerRecord<String, String> record = records.stream()
                .filter(r -> isOrganizationCreated(r, acmeId)).findFirst().orElseThrow();
        log.info("OrganizationCreated record: key {}, headers {}, value {}", record.key(), TopicRecords.headers(record), record.value());

        assertThat(record.key()).as("record key = aggregate id").isEqualTo(acmeId);
        Map<String, String> headers = TopicRecords.headers(record);
        assertThat(headers).containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_type", ORGANIZATION_CREATED)
                .containsEntry("ce_source", "/roster/identity-command-service")
                .containsEntry("ce_subject", acmeId)
                .containsEntry("ce_aggregateid", acmeId)
                .containsKeys("ce_id", "ce_time", "ce_aggregatesequence");
        assertThat(UUID.fromString(headers.get("ce_id"))).isNotNull();
        assertThat(OffsetDateTime.parse(headers.get("ce_time"))).isNotNull();
        assertThat(Long.parseLong(headers.get("ce_aggregatesequence"))).isNotNegative();

        JsonNode value = http.readTree(record.value());
        assertThat(value.path("name").asText()).isEqualTo("Acme");
        assertThat(value.path("organizationId").asText()).isEqualTo(acmeId);
        assertThat(value.path("eventId").asText()).as("eventId = ce_id").isEqualTo(headers.get("ce_id"));
    }

    @Test
    @Order(6)
    void anyAddressLogsInToTheMailCatchersImapWithItselfAsPassword() throws Exception {
        String address = "anyone-" + UUID.randomUUID() + "@example.com";
        assertThat(Mailbox.subjects(PORTS, address)).isEmpty();
    }

    /** Issue 3's scenario: every step is visible at once in the query API with the command's consistency token. */
    @Test
    @Order(7)
    void anAdminManagesMembersRolesAndTeamsAndTheRulesHold() throws Exception {
        String adminId = http.subjectOf(accessToken);
        HttpResponse<String> org = http.post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Membership Co\"}");
        assertThat(org.statusCode()).as(describe(org)).isEqualTo(201);
        String orgId = http.body(org).path("organizationId").asText();
        membershipCoId = orgId;
        String members = IDENTITY + "/api/v1/organizations/" + orgId + "/members";

        HttpResponse<String> team = http.post(IDENTITY + "/api/v1/organizations/" + orgId + "/teams", accessToken, "{\"name\":\"Core\"}");
        assertThat(team.statusCode()).as(describe(team)).isEqualTo(201);
        String teamId = http.body(team).path("teamId").asText();

        String ann = createUser("Ann", "ann.e2e@example.io");
        String bob = createUser("Bob", "bob.e2e@example.io");
        HttpResponse<String> addAnn = http.post(members, accessToken,
                "{\"userId\":\"" + ann + "\",\"roles\":[\"member\"],\"teamIds\":[\"" + teamId + "\"]}");
        assertThat(addAnn.statusCode()).as(describe(addAnn)).isEqualTo(201);
        HttpResponse<String> addBob = http.post(members, accessToken, "{\"email\":\"BOB.e2e@example.io\",\"roles\":[\"billing-manager\"]}");
        assertThat(addBob.statusCode()).as(describe(addBob)).isEqualTo(201);
        JsonNode rows = membersSeenAfter(orgId, addBob);
        assertThat(rows.findValuesAsText("userId")).containsExactlyInAnyOrder(adminId, ann, bob);
        JsonNode annRow = row(rows, ann);
        assertThat(annRow.path("roles").toString()).isEqualTo("[\"member\"]");
        assertThat(annRow.path("teams").get(0).path("name").asText()).isEqualTo("Core");
        assertThat(annRow.path("firstName").asText()).isEqualTo("Ann");
        assertThat(annRow.path("email").asText()).isEqualTo("ann.e2e@example.io");
        assertThat(row(rows, bob).path("roles").toString()).isEqualTo("[\"billing-manager\"]");

        HttpResponse<String> promote = http.put(members + "/" + ann + "/roles", accessToken, "{\"roles\":[\"admin\"]}");
        assertThat(promote.statusCode()).as(describe(promote)).isEqualTo(200);
        assertThat(row(membersSeenAfter(orgId, promote), ann).path("roles").toString()).isEqualTo("[\"admin\"]");

        HttpResponse<String> removeBoth = http.delete(members + "/" + ann + "," + bob, accessToken);
        assertThat(removeBoth.statusCode()).as(describe(removeBoth)).isEqualTo(200);
        JsonNode removed = http.body(removeBoth);
        assertThat(textsOf(removed.path("removed"))).containsExactlyInAnyOrder(ann, bob);
        assertThat(removed.path("notMembers").size()).isZero();
        assertThat(membersSeenAfter(orgId, removeBoth).findValuesAsText("userId")).containsExactly(adminId);

        http.assertProblem(http.delete(members + "/" + adminId, accessToken), 409, "last_admin");
        http.assertProblem(http.put(members + "/" + adminId + "/roles", accessToken, "{\"roles\":[\"member\"]}"), 409, "last_admin");
        http.assertProblem(http.delete(IDENTITY + "/api/v1/users/" + adminId, accessToken), 409, "cannot_delete_self");
        assertThat(membersSeenAfter(orgId, removeBoth).findValuesAsText("userId")).containsExactly(adminId);
    }

    private String createUser(String firstName, String email) throws Exception {
        return http.created(http.post(IDENTITY + "/api/v1/users", accessToken,
                "{\"firstName\":\"" + firstName + "\",\"lastName\":\"Tester\",\"email\":\"" + email
                        + "\",\"password\":\"correct horse battery\"}"), "userId");
    }

    /** The organization's members as the query service answers right after a command, with its consistency token. */
    private JsonNode membersSeenAfter(String orgId, HttpResponse<String> command) throws Exception {
        String consistencyToken = command.headers().firstValue("Consistency-Token").orElseThrow(
                () -> new AssertionError("no Consistency-Token on " + describe(command)));
        HttpResponse<String> read = http.get(QUERY + "/api/v1/organizations/" + orgId + "/members", accessToken,
                Map.of("Consistency-Token", consistencyToken));
        assertThat(read.statusCode()).as(describe(read)).isEqualTo(200);
        assertThat(read.headers().firstValue("Consistency-Reached")).hasValue("true");
        return http.body(read).path("items");
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
        stack = RunningStack.start(config);
        assertUnderTwoGibResident();

        assertThat(committedOffsetsOnIdentityTopic()).as("committed offsets survive the restart")
                .containsAllEntriesOf(offsetsBefore);

        HttpResponse<String> oldTokenStillValid = http.get(QUERY + "/api/v1/organizations/" + acmeId, accessToken);
        assertThat(oldTokenStillValid.statusCode()).as("a token issued before the restart (signing key kept): "
                + describe(oldTokenStillValid)).isEqualTo(200);
        assertThat(http.body(oldTokenStillValid).path("name").asText()).isEqualTo("Acme");

        accessToken = login();
        HttpResponse<String> globex = http.get(QUERY + "/api/v1/organizations/" + globexId, accessToken);
        assertThat(globex.statusCode()).as(describe(globex)).isEqualTo(200);

        HttpResponse<String> created = http.post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Initech\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        String initechId = http.body(created).path("organizationId").asText();
        HttpResponse<String> initech = http.get(QUERY + "/api/v1/organizations/" + initechId, accessToken,
                Map.of("Consistency-Token", created.headers().firstValue("Consistency-Token").orElseThrow()));
        assertThat(initech.statusCode()).as(describe(initech)).isEqualTo(200);
        assertThat(http.body(initech).path("name").asText()).isEqualTo("Initech");

        List<ConsumerRecord<String, String>> records = await("OrganizationCreated of Initech on " + TOPIC)
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicRecords.all(PORTS, TOPIC), all -> all.stream().anyMatch(r -> isOrganizationCreated(r, initechId)));
        Map<String, Long> createdPerOrganization = records.stream()
                .filter(r -> ORGANIZATION_CREATED.equals(TopicRecords.headers(r).get("ce_type")))
                .collect(Collectors.groupingBy(r -> TopicRecords.headers(r).get("ce_aggregateid"), Collectors.counting()));
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
        String firstToken = http.login(IDENTITY, first, PASSWORD);
        HttpResponse<String> accepted = http.post(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(firstLink) + "/accept", firstToken, "");
        assertThat(accepted.statusCode()).as("accepting again after the sign-up's own acceptance: " + describe(accepted)).isEqualTo(200);
        assertThat(http.body(accepted).path("organizationId").asText()).isEqualTo(organizationId);

        JsonNode member = awaitMember(organizationId, first, "active");
        assertThat(member.path("userId").asText()).isEqualTo(firstUser);
        assertThat(member.path("roles")).extracting(JsonNode::asText).containsExactly("billing-manager");
        assertThat(member.path("teams")).extracting(team -> team.path("name").asText()).containsExactly("Crew");
        assertThat(members(organizationId, "pending")).extracting(m -> m.path("email").asText())
                .as("an accepted invitee is not listed as pending too").doesNotContain(first).contains(second);

        HttpResponse<String> revoked = http.delete(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations/" + secondInvitation, accessToken);
        assertThat(revoked.statusCode()).as(describe(revoked)).isBetween(200, 204);
        http.assertProblem(http.post(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(secondLink) + "/accept", accessToken, ""),
                410, "invitation_revoked");
        await("identity refuses signing up with the revoked token").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> http.assertProblem(signUpResponse(second, Mailbox.tokenOf(secondLink)), 410, "invitation_revoked"));
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

        HttpResponse<String> resent = http.post(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations/"
                + invitationId + "/resend", accessToken, "");
        assertThat(resent.statusCode()).as(describe(resent)).isBetween(200, 202);
        String newLink = awaitInviteLinks(third, 2).get(1);
        assertThat(newLink).isNotEqualTo(oldLink);

        http.assertProblem(http.get(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(oldLink), null), 404, "invitation_not_found");
        HttpResponse<String> preview = http.get(INVITATION + "/api/v1/invitations/" + Mailbox.tokenOf(newLink), null);
        assertThat(preview.statusCode()).as(describe(preview)).isEqualTo(200);
        assertThat(http.body(preview).path("organizationName").asText()).isEqualTo("Resendco");
        await("identity refuses the old token").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> http.assertProblem(signUpResponse(third, Mailbox.tokenOf(oldLink)), 404, "invitation_not_found"));

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
        http.assertProblem(signUpResponse(fourth, Mailbox.tokenOf(link)), 410, "invitation_expired");
    }

    /**
     * Issue 17 across the processes: an invitation sent right after the organization's creation with its
     * Consistency-Token (no retry: the invitation service waits for its directory), each invitee under their own name,
     * and the invitee declining from the emailed link without logging in: the lists show it declined, and identity then
     * refuses a sign-up with that link.
     */
    @Test
    @Order(12)
    void anInvitationSentAtOnceWithTheCreationsTokenIsDeclinedFromTheEmailedLink() throws Exception {
        HttpResponse<String> created = http.post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"Declineco\"}");
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        String organizationId = http.body(created).path("organizationId").asText();
        String creationToken = created.headers().firstValue("Consistency-Token").orElseThrow();
        String fifth = "fifth-" + UUID.randomUUID() + "@invitees.test";
        HttpResponse<String> invited = http.post(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations", accessToken,
                "{\"invitees\":[{\"email\":\"" + fifth + "\",\"firstName\":\"Dee\",\"lastName\":\"Klein\"}],\"roles\":[\"member\"]}",
                java.util.Map.of("Consistency-Token", creationToken));
        assertThat(invited.statusCode()).as("invited at once with the creation's token: %s", describe(invited)).isEqualTo(201);
        String invitationId = http.body(invited).path("invitations").get(0).path("invitationId").asText();
        JsonNode pending = awaitMember(organizationId, fifth, "pending");
        assertThat(pending.path("firstName").asText() + " " + pending.path("lastName").asText()).isEqualTo("Dee Klein");

        String token = Mailbox.tokenOf(awaitInviteLinks(fifth, 1).get(0));
        HttpResponse<String> declined = http.post(INVITATION + "/api/v1/invitations/" + token + "/decline", null, "");
        assertThat(declined.statusCode()).as(describe(declined)).isEqualTo(200);
        assertThat(http.body(declined).path("status").asText()).isEqualTo("declined");

        await("the invitation listed as declined").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> invitations(organizationId, "declined"),
                        items -> items.stream().anyMatch(i -> i.path("invitationId").asText().equals(invitationId)));
        assertThat(members(organizationId, "pending")).extracting(m -> m.path("email").asText()).doesNotContain(fifth);
        await("identity refuses the declined link").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> http.assertProblem(signUpResponse(fifth, token), 410, "invitation_declined"));
    }

    /**
     * Issue 17 item 10 across the processes: a member added with an end date 20 s out is listed with it, and at that
     * instant leaves the members list with nobody asking (identity's expiry job, MemberExpired through Kafka); the audit
     * timeline shows the expiry without an actor, the account still logs in, and its token no longer reads the
     * organization.
     */
    @Test
    @Order(13)
    void aMembershipWithAnEndDateEndsByItselfAndTheAccountStays() throws Exception {
        String organizationId = createOrganization("Lapseco");
        String email = "temp-" + UUID.randomUUID() + "@example.io";
        String userId = createUser("Tem", email);
        String expiresAt = java.time.Instant.now().plusSeconds(20).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        HttpResponse<String> added = http.post(IDENTITY + "/api/v1/organizations/" + organizationId + "/members", accessToken,
                "{\"userId\":\"" + userId + "\",\"roles\":[\"member\"],\"expiresAt\":\"" + expiresAt + "\"}");
        assertThat(added.statusCode()).as(describe(added)).isEqualTo(201);
        long addedAt = System.nanoTime();
        JsonNode listed = row(membersSeenAfter(organizationId, added), userId);
        String memberToken = http.login(IDENTITY, email, "correct horse battery");
        int readBefore = http.get(QUERY + "/api/v1/organizations/" + organizationId, memberToken).statusCode();

        await("the member leaves the list by itself").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> members(organizationId, "active").stream().noneMatch(m -> userId.equals(m.path("userId").asText())));
        long goneAfterMs = (System.nanoTime() - addedAt) / 1_000_000;
        List<JsonNode> expiries = await("MemberExpired in the audit timeline").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> http.items(QUERY + "/api/v1/organizations/" + organizationId + "/events?type=MemberExpired", accessToken),
                        items -> !items.isEmpty());
        HttpResponse<String> loginAfter = http.post(IDENTITY + "/api/v1/auth/token", null,
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        String tokenAfter = loginAfter.statusCode() == 200 ? http.body(loginAfter).path("accessToken").asText() : memberToken;
        int readAfterOldToken = http.get(QUERY + "/api/v1/organizations/" + organizationId, memberToken).statusCode();
        int readAfterNewToken = http.get(QUERY + "/api/v1/organizations/" + organizationId, tokenAfter).statusCode();

        String report = "== membership expiry: expiresAt " + expiresAt + ", listed with " + listed.path("expiresAt").asText()
                + "; gone from the members list " + goneAfterMs + " ms after the 201; MemberExpired in the timeline: "
                + expiries.size() + " (actor " + expiries.get(0).path("actorId") + ", payload expiresAt "
                + expiries.get(0).path("payload").path("expiresAt").asText() + "); login after: " + loginAfter.statusCode()
                + "; member's reads of the organization before " + readBefore + ", after (old token) " + readAfterOldToken
                + ", after (new token) " + readAfterNewToken;
        log.info(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "membership-expiry-report.txt"), report + "\n");

        org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
        softly.assertThat(java.time.Instant.parse(listed.path("expiresAt").asText())).as("listed expiresAt")
                .isEqualTo(java.time.Instant.parse(expiresAt));
        softly.assertThat(goneAfterMs).as("gone from the list (ms after the 201), not before its end date").isGreaterThanOrEqualTo(15_000L);
        softly.assertThat(expiries).as("MemberExpired in the timeline").singleElement().satisfies(e -> {
            assertThat(e.path("actorId").isNull()).as("no actor").isTrue();
            assertThat(e.path("payload").path("userId").asText()).isEqualTo(userId);
        });
        softly.assertThat(loginAfter.statusCode()).as("the account still logs in").isEqualTo(200);
        softly.assertThat(readBefore).as("the member read the organization before").isEqualTo(200);
        softly.assertThat(readAfterOldToken).as("the member's token reads it no more").isEqualTo(404);
        softly.assertThat(readAfterNewToken).as("nor a new token").isEqualTo(404);
        softly.assertAll();
    }

    /**
     * Issue 17 item 6 across the processes, read over IMAP: an invitation valid 90 s is due its reminder halfway (its
     * organization's 24 h window being longer than its whole validity), about 45 s after the invitation email. The
     * reminder email arrives with the same link as the invitation email, and that link still accepts; exactly one
     * reminder (email and InvitationReminderSent), and the audit timeline lists it.
     */
    @Test
    @Order(14)
    void aShortInvitationIsRemindedOnceOverImapWithTheSameWorkingLink() throws Exception {
        String organizationId = createOrganization("Remindco");
        String sixth = "sixth-" + UUID.randomUUID() + "@invitees.test";
        java.time.Instant invitedAt = java.time.Instant.now();
        String expiresAt = invitedAt.plusSeconds(90).toString();
        JsonNode invited = invite(organizationId, "{\"emails\":[\"" + sixth + "\"],\"roles\":[\"member\"],"
                + "\"expiresAt\":\"" + expiresAt + "\"}");
        String invitationId = invited.path("invitations").get(0).path("invitationId").asText();
        String invitationLink = awaitInviteLinks(sixth, 1).get(0);

        List<Mailbox.Email> inbox = await("the reminder email to " + sixth).atMost(Duration.ofSeconds(80))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Mailbox.inbox(PORTS, sixth), emails -> emails.stream().anyMatch(LocalStackEndToEndIT::isReminder));
        long remindedAfterMs = Duration.between(invitedAt, java.time.Instant.now()).toMillis();
        Mailbox.Email reminder = inbox.stream().filter(LocalStackEndToEndIT::isReminder).findFirst().orElseThrow();
        String reminderLink = Mailbox.inviteLinks(PORTS, sixth).get(inbox.indexOf(reminder));

        // the link of the reminder still accepts: the invitee signs up through it before the expiry
        String userId = signUp(sixth, Mailbox.tokenOf(reminderLink));
        long acceptedAfterMs = Duration.between(invitedAt, java.time.Instant.now()).toMillis();
        JsonNode member = awaitMember(organizationId, sixth, "active");

        List<ConsumerRecord<String, String>> reminderRecords = TopicRecords.all(PORTS, "roster.invitation.v1").stream()
                .filter(r -> "roster.invitation.InvitationReminderSent.v1".equals(TopicRecords.header(r, "ce_type"))
                        && invitationId.equals(r.key()))
                .toList();
        List<JsonNode> audited = await("InvitationReminderSent in the audit timeline").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> http.items(QUERY + "/api/v1/organizations/" + organizationId + "/events?limit=200&type=InvitationReminderSent",
                        accessToken), items -> !items.isEmpty());
        List<String> subjects = Mailbox.subjects(PORTS, sixth);
        long reminderEmails = subjects.stream().filter(subject -> subject != null && subject.startsWith("Reminder:")).count();
        String report = String.format("invitation %s valid 90 s: reminder email after %d ms, accepted through its link after %d ms;"
                        + " %d reminder email(s) of %d in the inbox %s; %d InvitationReminderSent record(s); %d audit entry(ies)",
                invitationId, remindedAfterMs, acceptedAfterMs, reminderEmails, subjects.size(), subjects, reminderRecords.size(),
                audited.size());
        log.info("reminder: {}", report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "reminder-report.txt"), report + "\n");

        org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
        softly.assertThat(reminder.subject()).as("subject").startsWith("Reminder: your invitation to Remindco expires ");
        softly.assertThat(reminderLink).as("the reminder's link is the invitation email's").isEqualTo(invitationLink);
        softly.assertThat(remindedAfterMs).as("reminded about halfway (45 s), not right after the invitation email")
                .isBetween(30_000L, 80_000L);
        softly.assertThat(member.path("userId").asText()).as("joined through the reminder's link").isEqualTo(userId);
        softly.assertThat(reminderEmails).as("reminder emails").isEqualTo(1);
        softly.assertThat(reminderRecords).as("InvitationReminderSent records").hasSize(1);
        softly.assertThat(audited).as("InvitationReminderSent in the audit timeline").hasSize(1);
        softly.assertThat(audited).allSatisfy(entry -> softly.assertThat(entry.path("payload").has("token"))
                .as("the sealed token is redacted from the timeline").isFalse());
        softly.assertAll();
    }

    private static boolean isReminder(Mailbox.Email email) {
        return email.subject() != null && email.subject().startsWith("Reminder: your invitation to");
    }

    private String createOrganization(String name) throws Exception {
        return http.created(http.post(IDENTITY + "/api/v1/organizations", accessToken, "{\"name\":\"" + name + "\"}"), "organizationId");
    }

    private String createTeam(String organizationId, String name) throws Exception {
        return http.created(http.post(IDENTITY + "/api/v1/organizations/" + organizationId + "/teams", accessToken,
                "{\"name\":\"" + name + "\"}"), "teamId");
    }

    /** The invitation service learns of the organization and its teams from Kafka: it may take a moment. */
    private JsonNode invite(String organizationId, String body) throws Exception {
        HttpResponse<String> response = await("the invitation service knows " + organizationId).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.post(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations", accessToken, body),
                        r -> r.statusCode() != 403 && r.statusCode() != 404 && !(r.statusCode() == 400 && r.body().contains("teamIds")));
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
        return http.body(response);
    }

    private List<String> awaitInviteLinks(String address, int count) {
        return await("invitation emails to " + address).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> Mailbox.inviteLinks(PORTS, address), links -> links.size() >= count);
    }

    private HttpResponse<String> signUpResponse(String email, String invitationToken) throws Exception {
        return http.post(IDENTITY + "/api/v1/auth/sign-up", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                + "\",\"firstName\":\"In\",\"lastName\":\"Vitee\",\"invitationToken\":\"" + invitationToken + "\"}");
    }

    /** Identity learns of the invitation's token from Kafka: until then it answers invitation_not_found. */
    private String signUp(String email, String invitationToken) throws Exception {
        HttpResponse<String> response = await("sign-up of " + email).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> signUpResponse(email, invitationToken), r -> r.statusCode() != 404);
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(201);
        return http.body(response).path("userId").asText();
    }

    private JsonNode awaitMember(String organizationId, String email, String status) {
        return await(email + " " + status + " in " + organizationId).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> members(organizationId, status).stream().filter(m -> m.path("email").asText().equals(email)).findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    private List<JsonNode> members(String organizationId, String status) throws Exception {
        return http.items(QUERY + "/api/v1/organizations/" + organizationId + "/members?limit=200&status=" + status, accessToken);
    }

    private List<JsonNode> invitations(String organizationId, String status) throws Exception {
        return http.items(QUERY + "/api/v1/organizations/" + organizationId + "/invitations?limit=200&status=" + status, accessToken);
    }

    // ---------------------------------------------------------------------------------------------------------

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
        Map<String, String> headers = TopicRecords.headers(record);
        return ORGANIZATION_CREATED.equals(headers.get("ce_type")) && organizationId.equals(headers.get("ce_subject"));
    }

    /** Every process of the stack together, this JVM included, right after a start. */
    private void assertUnderTwoGibResident() {
        assertThat(stack.residentBytesAtStart()).as("all processes together stay under 2 GiB resident").isLessThan(TWO_GIB);
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


}
