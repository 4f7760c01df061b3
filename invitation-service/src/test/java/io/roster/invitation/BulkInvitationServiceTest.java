package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamRenamed;
import io.roster.events.invitation.BulkInvitationCompleted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bulk CSV invitations over HTTP (PRODUCT.md §4, issue #5): good rows become personal invitations whose
 * InvitationIssued carries the job id, bad rows are reported by line and code, the job ends with a
 * BulkInvitationCompleted; files that cannot be read are refused whole; a dry run and a replayed retry
 * change nothing.
 */
class BulkInvitationServiceTest extends AbstractServiceTest {

    private static final Logger log = LoggerFactory.getLogger(BulkInvitationServiceTest.class);
    private static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@bulk.io");

    @Autowired
    private MongoDatabase database;

    @Test
    void aThousandRowFileWithTenBadRowsInvitesTheOther990AndReportsEachBadLine() {
        Organization org = organization("Thousand", "Sales", "Engineering", "Ops");
        member(org.id(), "member@thousand.io", org.nextSequence());
        patientWeb().post().uri("/api/v1/organizations/{org}/invitations", org.id()).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emails", List.of("pending@thousand.io", "pending2@thousand.io"), "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody().jsonPath("$.invitations.length()").isEqualTo(2);

        // line = index + 2 (the header is line 1); the bad rows are spread over the file
        Map<Integer, String> bad = new LinkedHashMap<>();
        bad.put(2, "not-an-email,Sales");
        bad.put(50, ",Sales");
        bad.put(120, "someone@nowhere,");
        bad.put(300, "x1@thousand.io,Marketing");
        bad.put(301, "x2@thousand.io,\"Sales, Nope\"");
        bad.put(400, "USER5@thousand.io,Ops");
        bad.put(401, "user6@thousand.io,");
        bad.put(500, "Member@Thousand.io,Sales");
        bad.put(700, "pending@thousand.io,");
        bad.put(1001, "pending2@thousand.io,Ops");
        List<String> lines = new ArrayList<>();
        lines.add("email,group membership");
        int good = 0;
        for (int line = 2; line <= 1001; line++) {
            lines.add(bad.containsKey(line) ? bad.get(line)
                    : "user" + good + "@thousand.io," + List.of("Sales", "\"sales, ENGINEERING\"", "", " ops ").get(good++ % 4));
        }
        assertThat(good).isEqualTo(990);

        long started = System.nanoTime();
        JsonNode answer = upload(org.id(), "", String.join("\n", lines), adminToken)
                .expectStatus().isCreated()
                .expectHeader().exists("Consistency-Token")
                .expectHeader().valueMatches("Location", ".*/api/v1/organizations/" + org.id() + "/invitations/bulk/[0-9a-f-]{36}")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        log.info("1000-row upload answered in {} ms", (System.nanoTime() - started) / 1_000_000);

        UUID jobId = UUID.fromString(answer.get("jobId").asText());
        assertThat(answer.get("dryRun").asBoolean()).isFalse();
        assertThat(answer.get("total").asInt()).isEqualTo(1000);
        assertThat(answer.get("invited").asInt()).isEqualTo(990);
        assertThat(failures(answer)).containsExactly(
                "2 not-an-email invalid_email",
                "50  invalid_email",
                "120 someone@nowhere invalid_email",
                "300 x1@thousand.io unknown_team",
                "301 x2@thousand.io unknown_team",
                "400 user5@thousand.io duplicate_row",
                "401 user6@thousand.io duplicate_row",
                "500 member@thousand.io already_member",
                "700 pending@thousand.io already_invited",
                "1001 pending2@thousand.io already_invited");
        assertThat(answer.get("failed").get(3).get("detail").asText()).contains("'Marketing'");
        assertThat(answer.get("failed").get(4).get("detail").asText()).contains("'Nope'").doesNotContain("'Sales'");
        assertThat(answer.get("failed").get(5).get("detail").asText()).contains("line " + lineOf(lines, "user5@thousand.io,"));

        // the invitations are stored (the lookups the accept flow reads) and on Kafka, one per good row
        assertThat(database.getCollection("invitation-lookup-v1")
                .countDocuments(Filters.eq("organizationId", org.id().toString()))).isEqualTo(990 + 2);
        List<InvitationIssued> issued = invitationTopic(e -> e instanceof InvitationIssued i && jobId.equals(i.bulkJobId()), 990)
                .stream().map(InvitationIssued.class::cast).toList();
        assertThat(issued).hasSize(990);
        assertThat(issued).extracting(InvitationIssued::email).doesNotHaveDuplicates()
                .allMatch(email -> email.matches("user\\d+@thousand\\.io"));
        assertThat(issued).allSatisfy(i -> {
            assertThat(i.organizationId()).isEqualTo(org.id());
            assertThat(i.actorId()).isEqualTo(admin);
            assertThat(i.roles()).containsExactly("member");
            assertThat(i.token()).isNotNull();
            assertThat(i.expiresAt()).isBetween(clock.instant().plus(Duration.ofHours(71)), clock.instant().plus(Duration.ofHours(73)));
        });
        Map<String, List<UUID>> teamsByEmail = issued.stream().collect(Collectors.toMap(InvitationIssued::email, InvitationIssued::teamIds));
        assertThat(teamsByEmail.get("user0@thousand.io")).containsExactly(org.team("Sales"));
        assertThat(teamsByEmail.get("user1@thousand.io")).containsExactly(org.team("Sales"), org.team("Engineering"));
        assertThat(teamsByEmail.get("user2@thousand.io")).isEmpty();
        assertThat(teamsByEmail.get("user3@thousand.io")).containsExactly(org.team("Ops"));

        BulkInvitationCompleted completed = (BulkInvitationCompleted) invitationEvents(jobId, 1).get(0);
        assertThat(completed.organizationId()).isEqualTo(org.id());
        assertThat(completed.actorId()).isEqualTo(admin);
        assertThat(completed.total()).isEqualTo(1000);
        assertThat(completed.invited()).isEqualTo(990);
        assertThat(completed.failed()).extracting(row -> row.line() + " " + row.code())
                .containsExactly("2 invalid_email", "50 invalid_email", "120 invalid_email", "300 unknown_team", "301 unknown_team",
                        "400 duplicate_row", "401 duplicate_row", "500 already_member", "700 already_invited", "1001 already_invited");

        patientWeb().get().uri("/api/v1/organizations/{org}/invitations/bulk/{job}", org.id(), jobId).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("completed")
                .jsonPath("$.total").isEqualTo(1000)
                .jsonPath("$.invited").isEqualTo(990)
                .jsonPath("$.failed.length()").isEqualTo(10)
                .jsonPath("$.failed[9].line").isEqualTo(1001)
                .jsonPath("$.startedBy").isEqualTo(admin.toString());
    }

    @Test
    void aDryRunChecksTheSameWayAndChangesNothing() {
        Organization org = organization("Dry", "Sales");
        member(org.id(), "member@dry.io", org.nextSequence());
        String file = "email,group membership\nann@dry.io,Sales\nmember@dry.io,\nbad@,\nbob@dry.io,Nope\nann@dry.io,\ncy@dry.io,sales\n";

        JsonNode dry = upload(org.id(), "?dryRun=true", file, adminToken).expectStatus().isOk()
                .expectHeader().doesNotExist("Location")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("jobId").isNull()).isTrue();
        assertThat(dry.get("total").asInt()).isEqualTo(6);
        assertThat(dry.get("invited").asInt()).isEqualTo(2);
        List<String> dryFailures = failures(dry);
        assertThat(dryFailures).containsExactly("3 member@dry.io already_member", "4 bad@ invalid_email",
                "5 bob@dry.io unknown_team", "6 ann@dry.io duplicate_row");
        assertThat(database.getCollection("invitation-lookup-v1").countDocuments(Filters.eq("organizationId", org.id().toString())))
                .as("no invitation stored by the dry run").isZero();
        assertThat(database.getCollection("bulk-invitation-jobs-v1").countDocuments(Filters.eq("organizationId", org.id().toString())))
                .as("no job recorded by the dry run").isZero();

        // the real upload afterwards finds the addresses free (the dry run claimed nothing) and fails the same rows
        JsonNode real = upload(org.id(), "", file, adminToken).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(real.get("invited").asInt()).isEqualTo(2);
        assertThat(failures(real)).isEqualTo(dryFailures);
        UUID jobId = UUID.fromString(real.get("jobId").asText());
        // on Kafka, ann and cy were invited once each, by the real job: the dry run published nothing
        List<RosterEvent> issued = invitationTopic(e -> e instanceof InvitationIssued i && i.organizationId().equals(org.id()), 2);
        assertThat(issued).hasSize(2).allSatisfy(e -> assertThat(((InvitationIssued) e).bulkJobId()).isEqualTo(jobId));

        // and a dry run now sees them as already invited
        upload(org.id(), "?dryRun=true", "email,group membership\nann@dry.io,\n", adminToken).expectStatus().isOk()
                .expectBody().jsonPath("$.invited").isEqualTo(0).jsonPath("$.failed[0].code").isEqualTo("already_invited");
    }

    @Test
    void aFileOfMoreThanAThousandRowsIsRefusedWholeAndInvitesNobody() {
        Organization org = organization("Too Many");
        String file = "email,group membership\n" + IntStream.range(0, 1001).mapToObj(i -> "p" + i + "@toomany.io,")
                .collect(Collectors.joining("\n"));

        upload(org.id(), "", file, adminToken).expectStatus().isEqualTo(413)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("payload_too_large")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("1000"));
        assertThat(database.getCollection("invitation-lookup-v1").countDocuments(Filters.eq("organizationId", org.id().toString())))
                .isZero();
        // nothing claimed: the first and last rows can still be invited
        upload(org.id(), "", "email,group membership\np0@toomany.io,\np1000@toomany.io,\n", adminToken).expectStatus().isCreated()
                .expectBody().jsonPath("$.invited").isEqualTo(2);
    }

    @Test
    void aSpreadsheetExportWithBomCrlfQuotedTeamsOtherHeaderCaseAndExtraColumnsWorks() {
        Organization org = organization("Export", "Sales", "Customer Success");
        String file = "\uFEFFFirst Name, EMAIL ,Group Membership,Notes\r\n"
                + "Ann,ann@export.io,\"sales, customer success\",\"likes, commas\"\r\n"
                + "\r\n"
                + "Bob,Bob@Export.io,,\r\n";
        JsonNode answer = upload(org.id(), "?roles=billing-manager", file.getBytes(StandardCharsets.UTF_8), TEXT_CSV, adminToken)
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(answer.get("total").asInt()).isEqualTo(2);
        assertThat(answer.get("invited").asInt()).isEqualTo(2);
        assertThat(answer.get("failed")).isEmpty();

        Map<String, InvitationIssued> issued = invitationTopic(e -> e instanceof InvitationIssued i && i.organizationId().equals(org.id()), 2)
                .stream().map(InvitationIssued.class::cast).collect(Collectors.toMap(InvitationIssued::email, i -> i));
        assertThat(issued.keySet()).containsExactlyInAnyOrder("ann@export.io", "bob@export.io");
        assertThat(issued.get("ann@export.io").teamIds()).containsExactly(org.team("Sales"), org.team("Customer Success"));
        assertThat(issued.get("ann@export.io").roles()).containsExactly("billing-manager");
        assertThat(issued.get("bob@export.io").teamIds()).isEmpty();
    }

    @Test
    void aRenamedTeamIsMatchedByItsNewName() {
        Organization org = organization("Renames", "Sales");
        publish(new TeamRenamed(UUID.randomUUID(), Instant.now(), org.id(), admin, org.team("Sales"), "Revenue", null), org.nextSequence());
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.teamsByName(org.id(), List.of("revenue")).size() == 1);

        upload(org.id(), "?dryRun=true", "email,group membership\na@renames.io,Revenue\nb@renames.io,Sales\n", adminToken)
                .expectStatus().isOk().expectBody()
                .jsonPath("$.invited").isEqualTo(1)
                .jsonPath("$.failed[0].line").isEqualTo(3)
                .jsonPath("$.failed[0].code").isEqualTo("unknown_team");
    }

    @Test
    void filesThatCannotBeReadAreRefusedWholeWithTheirCode() {
        Organization org = organization("Refusals");
        upload(org.id(), "", "mail,groups\na@x.io,\n", adminToken).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("invalid_csv_header");
        upload(org.id(), "", new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, TEXT_CSV, adminToken)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("malformed_csv");
        upload(org.id(), "", "email,group membership\na@x.io,\"Sales\n", adminToken).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("malformed_csv");
        upload(org.id(), "", new byte[0], TEXT_CSV, adminToken).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("empty_csv");
        upload(org.id(), "", "email,group membership\r\n", adminToken).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("empty_csv");
        upload(org.id(), "", "{\"emails\":[\"a@x.io\"]}".getBytes(StandardCharsets.UTF_8), MediaType.APPLICATION_JSON, adminToken)
                .expectStatus().isEqualTo(415).expectBody().jsonPath("$.code").isEqualTo("unsupported_media_type");
        patientWeb().post().uri("/api/v1/organizations/{org}/invitations/bulk", org.id()).headers(h -> h.setBearerAuth(adminToken))
                .bodyValue("email,group membership\na@x.io,\n".getBytes(StandardCharsets.UTF_8)).exchange()
                .expectStatus().isEqualTo(415).expectBody().jsonPath("$.code").isEqualTo("unsupported_media_type");
        upload(org.id(), "?roles=owner", "email,group membership\na@x.io,\n", adminToken).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("validation_failed").jsonPath("$.errors[0].field").isEqualTo("roles");
        upload(org.id(), "?dryRun=perhaps", "email,group membership\na@x.io,\n", adminToken).expectStatus().isBadRequest();
        String overOneMegabyte = "email,group membership\n" + "a".repeat(1024 * 1024) + "@x.io,\n";
        upload(org.id(), "", overOneMegabyte, adminToken).expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.code").isEqualTo("payload_too_large");
        assertThat(database.getCollection("invitation-lookup-v1").countDocuments(Filters.eq("organizationId", org.id().toString())))
                .isZero();
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheSameAndInvitesNobodyTwice() {
        Organization org = organization("Retry Bulk", "Sales");
        String file = "email,group membership\r\n" + IntStream.range(0, 50).mapToObj(i -> "r" + i + "@retry.io,Sales")
                .collect(Collectors.joining("\r\n")) + "\r\nbad,\r\n";
        String key = UUID.randomUUID().toString();

        WebTestClient.ResponseSpec firstSpec = uploadWithKey(org.id(), file, key);
        byte[] first = firstSpec.expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        byte[] again = uploadWithKey(org.id(), file, key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().returnResult().getResponseBody();
        assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo(new String(first, StandardCharsets.UTF_8));
        assertThat(new String(first, StandardCharsets.UTF_8)).contains("\"invited\":50");

        assertThat(database.getCollection("invitation-lookup-v1").countDocuments(Filters.eq("organizationId", org.id().toString())))
                .isEqualTo(50);
        assertThat(database.getCollection("bulk-invitation-jobs-v1").countDocuments(Filters.eq("organizationId", org.id().toString())))
                .isEqualTo(1);
        uploadWithKey(org.id(), file + "another@retry.io,\r\n", key).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("idempotency_key_reused");
        // without the key, the same file is a new job that finds every address already invited
        upload(org.id(), "", file, adminToken).expectStatus().isCreated().expectBody()
                .jsonPath("$.invited").isEqualTo(0)
                .jsonPath("$.failed.length()").isEqualTo(51)
                .jsonPath("$.failed[0].code").isEqualTo("already_invited");
    }

    @Test
    void onlyAdminsOfTheOrganizationAndProviderAdminsUploadOrReadJobs() {
        Organization org = organization("Guarded Bulk");
        UUID plainMember = member(org.id(), "plain@guardedbulk.io", org.nextSequence());
        String file = "email,group membership\nnew@guardedbulk.io,\n";
        String providerAdmin = TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.local", List.of("provider-admin"));

        upload(org.id(), "", file, tokenOf(plainMember, "plain@guardedbulk.io")).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        // someone outside the organization is told it does not exist, as in every service
        upload(org.id(), "?dryRun=true", file, tokenOf(UUID.randomUUID(), "stranger@x.io")).expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not_found");
        patientWeb().post().uri("/api/v1/organizations/{org}/invitations/bulk", org.id()).contentType(TEXT_CSV).bodyValue(file)
                .exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
        upload(UUID.randomUUID(), "", file, providerAdmin).expectStatus().isNotFound();

        String jobId = upload(org.id(), "", file, providerAdmin).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("jobId").asText();
        patientWeb().get().uri("/api/v1/organizations/{org}/invitations/bulk/{job}", org.id(), jobId)
                .headers(h -> h.setBearerAuth(tokenOf(plainMember, "plain@guardedbulk.io")))
                .exchange().expectStatus().isForbidden();
        patientWeb().get().uri("/api/v1/organizations/{org}/invitations/bulk/{job}", org.id(), jobId).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.invited").isEqualTo(1);
        Organization other = organization("Other Bulk");
        patientWeb().get().uri("/api/v1/organizations/{org}/invitations/bulk/{job}", other.id(), jobId).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isNotFound();
        patientWeb().get().uri("/api/v1/organizations/{org}/invitations/bulk/{job}", org.id(), UUID.randomUUID()).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isNotFound();
    }

    // --- helpers ---

    /** An organization administered by {@link #admin} with these teams, once the directory knows their names. */
    private Organization organization(String name, String... teams) {
        UUID org = organizationAdministeredBy(admin, name);
        Organization organization = new Organization(org, new LinkedHashMap<>(), new long[]{2});
        for (String team : teams) {
            UUID teamId = UUID.randomUUID();
            publish(new TeamCreated(UUID.randomUUID(), Instant.now(), org, admin, teamId, team, null), organization.nextSequence());
            organization.teams().put(team, teamId);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.teamsByName(org, List.of(teams)).size() == teams.length);
        return organization;
    }

    /** An organization, its teams by name, and the next sequence number of its identity stream. */
    private record Organization(UUID id, Map<String, UUID> teams, long[] sequence) {
        long nextSequence() {
            return sequence[0]++;
        }

        UUID team(String name) {
            return teams.get(name);
        }
    }

    private WebTestClient.ResponseSpec upload(UUID org, String query, String csv, String bearer) {
        return upload(org, query, csv.getBytes(StandardCharsets.UTF_8), TEXT_CSV, bearer);
    }

    private WebTestClient.ResponseSpec upload(UUID org, String query, byte[] body, MediaType type, String bearer) {
        return patientWeb().post().uri("/api/v1/organizations/" + org + "/invitations/bulk" + query)
                .headers(h -> h.setBearerAuth(bearer)).contentType(type).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec uploadWithKey(UUID org, String csv, String key) {
        return patientWeb().post().uri("/api/v1/organizations/{org}/invitations/bulk", org)
                .headers(h -> h.setBearerAuth(adminToken)).header("Idempotency-Key", key)
                .contentType(TEXT_CSV).bodyValue(csv.getBytes(StandardCharsets.UTF_8)).exchange();
    }

    /** A 1000-row upload takes seconds, and any request more on a loaded machine; WebTestClient's default gives up after 5. */
    private WebTestClient patientWeb() {
        return web.mutate().responseTimeout(Duration.ofMinutes(2)).build();
    }

    private static List<String> failures(JsonNode answer) {
        List<String> failures = new ArrayList<>();
        answer.get("failed").forEach(row -> failures.add(row.get("line").asInt() + " " + row.get("email").asText() + " "
                + row.get("code").asText()));
        return failures;
    }

    private static int lineOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(prefix);
    }

    /**
     * The events on {@code roster.invitation.v1} that match, read from the beginning until at least {@code count}
     * matched and the consumer reached the end of every partition, so that more than {@code count} would show.
     */
    private List<RosterEvent> invitationTopic(Predicate<RosterEvent> wanted, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        List<RosterEvent> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INVITATION).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    RosterEvent event = codec.decode(record).event();
                    if (wanted.test(event) && seen.add(record.partition() + ":" + record.offset())) {
                        found.add(event);
                    }
                }
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                return found.size() >= count && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return found;
    }
}
