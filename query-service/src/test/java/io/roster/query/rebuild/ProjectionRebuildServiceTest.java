package io.roster.query.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.roster.events.EventEnvelope;
import io.roster.query.AbstractServiceTest;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.member.MemberRows;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A projection rebuild on the real broker and Mongo-wire server: the topics replayed into a new read-model
 * version give the same members rows, reads answer from the old version all along, and events published
 * while it runs are in the new version after the switch.
 */
class ProjectionRebuildServiceTest extends AbstractServiceTest {

    private static final String REBUILD = "/api/v1/admin/projections/rebuild";
    private static final int FILLER_MEMBERS = 600;

    @Autowired
    private MongoDatabase database;
    @Autowired
    private ProjectionCollections collections;
    @Autowired
    private AppliedSequences appliedSequences;

    @Test
    void theRebuiltMembersAreTheSameReadsGoOnMeanwhileAndLateEventsAreKept() throws Exception {
        // published first, so the replay spends a while on it before it reaches the organization read below
        UUID filler = UUID.randomUUID();
        publishAndAwait(fillerOrganization(filler));
        UUID acme = UUID.randomUUID();
        UUID reader = UUID.randomUUID();
        String consistency = publish(acmeHistory(acme, reader).toArray(EventEnvelope[]::new));
        String acmeBefore = membersPage(acme, reader, consistency);
        assertThat(acmeBefore).contains("\"status\":\"active\"");

        int before = collections.activeVersion();
        Set<String> organizations = Set.of(filler.toString(), acme.toString());
        String hashBefore = membersHash(before, organizations);

        List<Integer> statuses = new CopyOnWriteArrayList<>();
        List<String> differentBodies = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        ExecutorService readers = Executors.newSingleThreadExecutor();
        Future<?> readLoop;
        JsonNode job;
        UUID late = UUID.randomUUID();
        UUID lateMember = UUID.randomUUID();
        String lateConsistency;
        try {
            readLoop = readers.submit(() -> {
                while (reading.get()) {
                    var result = web.get().uri("/api/v1/organizations/{id}/members?limit=200", acme)
                            .headers(h -> h.setBearerAuth(tokenOf(reader))).exchange()
                            .expectBody(String.class).returnResult();
                    statuses.add(result.getStatus().value());
                    if (!acmeBefore.equals(result.getResponseBody())) {
                        differentBodies.add(result.getResponseBody());
                    }
                }
            });
            job = startRebuild();
            assertThat(job.path("version").asInt()).isEqualTo(before + 1);
            String jobId = job.path("jobId").asText();

            // the replay is under way, so it took its end offsets before these: the live consumer applies them to
            // the old version and commits them, and the catch-up before the switch must bring them over
            JsonNode replaying = await("the replay under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> rebuildStatus(jobId), status -> status.path("eventsApplied").asLong() > 0);
            assertThat(replaying.path("state").asText()).isEqualTo("replaying");
            lateConsistency = publish(
                    log.organizationCreated(late, "Late Co"),
                    log.memberAdded(late, lateMember, List.of("admin")),
                    log.userRegistered(lateMember, "late-" + lateMember + "@example.io", "Lena", "Late"));
            assertThat(rebuildStatus(jobId).path("state").asText()).as("the late events came while the rebuild replayed")
                    .isEqualTo("replaying");

            job = awaitFinished(jobId);
            assertThat(job.path("target").asLong()).as("the catch-up replayed the 3 late events the live consumer had committed")
                    .isEqualTo(replaying.path("target").asLong() + 3);
        } finally {
            reading.set(false);
            readers.shutdown();
        }
        readLoop.get();

        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.path("eventsApplied").asLong()).isGreaterThanOrEqualTo(2L * FILLER_MEMBERS);
        assertThat(job.path("finishedAt").asText()).isNotBlank();
        assertThat(statuses).as("reads during the rebuild").hasSizeGreaterThan(3).containsOnly(200);
        assertThat(differentBodies).as("every read during the rebuild answered the rows of before").isEmpty();

        assertThat(collections.activeVersion()).isEqualTo(before + 1);
        assertThat(membersHash(before + 1, organizations)).isEqualTo(hashBefore);
        assertThat(database.listCollectionNames().into(new ArrayList<>()))
                .as("the previous version is dropped")
                .doesNotContain(VersionedCollection.physicalName(MemberRows.COLLECTION, before))
                .contains(VersionedCollection.physicalName(MemberRows.COLLECTION, before + 1));

        String lateMembers = membersPage(late, lateMember, lateConsistency);
        assertThat(lateMembers).contains(lateMember.toString(), "Lena");
        assertThat(membersPage(acme, reader, consistency)).isEqualTo(acmeBefore);
    }

    @Test
    void onlyProviderAdminsRebuildAndOneRebuildRunsAtATime() {
        String someone = tokenOf(UUID.randomUUID());
        problem(web.post().uri(REBUILD).headers(h -> h.setBearerAuth(someone)).exchange(), HttpStatus.FORBIDDEN, "forbidden");
        problem(web.get().uri(REBUILD + "/{id}", UUID.randomUUID()).headers(h -> h.setBearerAuth(someone)).exchange(),
                HttpStatus.FORBIDDEN, "forbidden");
        problem(web.post().uri(REBUILD).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");
        problem(web.get().uri(REBUILD + "/{id}", UUID.randomUUID()).headers(h -> h.setBearerAuth(providerAdminToken())).exchange(),
                HttpStatus.NOT_FOUND, "not_found");
        problem(web.get().uri(REBUILD + "/not-a-job").headers(h -> h.setBearerAuth(providerAdminToken())).exchange(),
                HttpStatus.BAD_REQUEST, "malformed_request");

        JsonNode first = startRebuild();
        // the first one runs for at least its settle time (3 s) after replaying
        problem(web.post().uri(REBUILD).headers(h -> h.setBearerAuth(providerAdminToken())).exchange(),
                HttpStatus.CONFLICT, RebuildController.IN_PROGRESS);
        assertThat(awaitFinished(first.path("jobId").asText()).path("state").asText()).isEqualTo("completed");
    }

    private JsonNode startRebuild() {
        var result = web.post().uri(REBUILD).headers(h -> h.setBearerAuth(providerAdminToken())).exchange()
                .expectStatus().isAccepted()
                .expectHeader().exists("Location")
                .expectBody(JsonNode.class).returnResult();
        JsonNode job = result.getResponseBody();
        assertThat(result.getResponseHeaders().getLocation()).hasToString(REBUILD + "/" + job.path("jobId").asText());
        assertThat(job.path("state").asText()).isEqualTo("replaying");
        assertThat(job.path("startedAt").asText()).isNotBlank();
        return job;
    }

    private JsonNode rebuildStatus(String jobId) {
        return web.get().uri(REBUILD + "/{id}", jobId).headers(h -> h.setBearerAuth(providerAdminToken())).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode awaitFinished(String jobId) {
        return await("rebuild " + jobId).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> rebuildStatus(jobId), job -> Set.of("completed", "failed").contains(job.path("state").asText()));
    }

    private String membersPage(UUID organization, UUID reader, String consistency) {
        return get(tokenOf(reader), consistency, "/api/v1/organizations/{id}/members?limit=200", organization)
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private void problem(org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response, HttpStatus status,
                         String code) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(code);
    }

    /**
     * SHA-256 over the members rows of the organizations in the version, sorted by id, every field included
     * (none is a time of applying: joinedAt and invitedAt come from the events), each row with its fields in
     * name order, so that two rows with the same content hash alike whatever order their fields were set in.
     */
    private String membersHash(int version, Set<String> organizations) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Document> rows = database.getCollection(VersionedCollection.physicalName(MemberRows.COLLECTION, version))
                .find(Filters.in("organizationId", organizations)).sort(Sorts.ascending("_id")).into(new ArrayList<>());
        assertThat(rows).hasSizeGreaterThan(FILLER_MEMBERS / 2);
        rows.forEach(row -> sha.update(canonical(row).toString().getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, nested) -> sorted.put(key.toString(), canonical(nested)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ProjectionRebuildServiceTest::canonical).toList();
        }
        return value;
    }

    /** A large organization's history: users join, some change roles or teams, some leave, a team is renamed. */
    private List<EventEnvelope> fillerOrganization(UUID organization) {
        List<EventEnvelope> events = new ArrayList<>();
        UUID platform = UUID.randomUUID();
        UUID sales = UUID.randomUUID();
        events.add(log.organizationCreated(organization, "Filler Inc"));
        events.add(log.teamCreated(organization, platform, "Platform"));
        events.add(log.teamCreated(organization, sales, "Sales"));
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < FILLER_MEMBERS; i++) {
            UUID user = UUID.randomUUID();
            users.add(user);
            events.add(log.userRegistered(user, "filler-" + i + "-" + user.toString().substring(0, 6) + "@example.io", "Fil" + i, "Ler"));
            events.add(i % 3 == 0 ? log.memberAdded(organization, user, List.of("member"), platform)
                    : log.memberAdded(organization, user, List.of("member")));
        }
        for (int i = 0; i < FILLER_MEMBERS; i += 7) {
            events.add(log.rolesChanged(organization, users.get(i), List.of("admin")));
            events.add(log.teamsChanged(organization, users.get(i), sales));
        }
        for (int i = 1; i < FILLER_MEMBERS; i += 11) {
            events.add(log.memberRemoved(organization, users.get(i)));
            events.add(log.profileUpdated(users.get(i + 1), "Renamed" + i, "Ler"));
        }
        events.add(log.teamRenamed(organization, sales, "Sales EMEA"));
        return events;
    }

    private List<EventEnvelope> acmeHistory(UUID acme, UUID reader) {
        UUID team = UUID.randomUUID();
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        return List.of(
                log.organizationCreated(acme, "Acme"),
                log.userRegistered(reader, "reader-" + reader + "@example.io", "Rita", "Reader"),
                log.memberAdded(acme, reader, List.of("admin")),
                log.teamCreated(acme, team, "Core"),
                log.userRegistered(ann, "ann-" + ann + "@example.io", "Ann", "Lee"),
                log.memberAdded(acme, ann, List.of("member"), team),
                log.userRegistered(bob, "bob-" + bob + "@example.io", "Bob", "Stone"),
                log.memberAdded(acme, bob, List.of("billing-manager")),
                log.rolesChanged(acme, ann, List.of("admin")),
                log.profileUpdated(ann, "Annie", "Lee"),
                log.teamsChanged(acme, bob, team),
                log.teamRenamed(acme, team, "Core Platform"),
                log.memberRemoved(acme, bob));
    }

    /** Produces the events without waiting for each, then waits until the projections applied all of them. */
    private void publishAndAwait(List<EventEnvelope> events) {
        List<CompletableFuture<?>> sent = events.stream().map(e -> kafka.send(codec.encode(e))).collect(Collectors.toList());
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        Map<String, Long> last = new TreeMap<>();
        events.forEach(e -> last.merge(e.aggregateId(), e.sequenceNumber(), Math::max));
        await("the projections applied " + events.size() + " events").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> appliedSequences.lastApplied(last.keySet()).equals(last));
    }
}
