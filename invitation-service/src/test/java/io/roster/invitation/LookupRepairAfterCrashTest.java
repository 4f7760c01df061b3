package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import org.axonframework.config.EventProcessingConfiguration;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D3 of issue #13: the lookups that commands rely on repair themselves after a crash between the event append and
 * the lookup write. Each test stores events with the lookup's processors stopped (see {@link LookupWriteCrash}),
 * shows what the crash broke, restarts the repair processor and shows the service right again: the invitation's link
 * works, the address can be invited again, the job is completed. Claims a request took before dying ahead of its
 * append are taken over once abandoned. And a replay of the whole store changes none of the lookups.
 */
class LookupRepairAfterCrashTest extends AbstractServiceTest {

    private static final Duration ABANDONED = Duration.ofMinutes(5);

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@crash.io");

    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private MongoDatabase database;

    private LookupWriteCrash invitationLookup() {
        return new LookupWriteCrash(processing, "invitation-lookup-v1", "invitation-lookup-repair-v1");
    }

    private LookupWriteCrash linkLookup() {
        return new LookupWriteCrash(processing, "link-lookup-v1", "link-lookup-repair-v1");
    }

    private LookupWriteCrash bulkJobs() {
        return new LookupWriteCrash(processing, "bulk-invitation-jobs-v1", "bulk-invitation-jobs-repair-v1");
    }

    /** A failed test must not leave a repair processor stopped for the other tests of the shared context. */
    @AfterEach
    void repairsRunAgain() {
        List.of(invitationLookup(), linkLookup(), bulkJobs()).forEach(LookupWriteCrash::restartRepair);
    }

    @Test
    void anInvitationStoredWithoutItsLookupEntryIsAcceptedOnceTheRepairRan() {
        UUID org = organizationAdministeredBy(admin, "Crash Issue");
        UUID invitationId = invitationLookup().losingTheLookupWrite(() -> inviteOne(org, "ian@crash.io"));
        String token = secretBox.open(((InvitationIssued) invitationEvents(invitationId, 1).get(0)).token());

        // what the crash left: the invitation is stored and on its way to the invitee, and its link does not work
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isNotFound();

        invitationLookup().restartRepair();
        awaitLookupEntry("invitation-lookup-v1", invitationId);
        web.get().uri("/api/v1/invitations/{token}", token).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("pending");
        accept(token, tokenOf(UUID.randomUUID(), "ian@crash.io")).expectStatus().isOk()
                .expectBody().jsonPath("$.organizationId").isEqualTo(org.toString());
    }

    @Test
    void aRevokeStoredWithoutItsLookupWriteFreesTheAddressOnceTheRepairRan() {
        UUID org = organizationAdministeredBy(admin, "Crash Revoke");
        UUID invitationId = inviteOne(org, "rita@crash.io");
        invitationLookup().losingTheLookupWrite(() -> web.delete().uri("/api/v1/organizations/{org}/invitations/{id}", org, invitationId)
                .headers(h -> h.setBearerAuth(adminToken)).exchange().expectStatus().isOk());

        // what the crash left: the address is still held by the revoked invitation
        invite(org, "rita@crash.io").expectStatus().isCreated()
                .expectBody().jsonPath("$.rejected[0].code").isEqualTo("already_invited");

        invitationLookup().restartRepair();
        // a refused invitation changes nothing, so asking until it is accepted is harmless
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(invite(org, "rita@crash.io").expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("invitations")).hasSize(1));
    }

    @Test
    void aClaimWhoseRequestDiedBeforeTheAppendIsTakenOverOnceAbandonedAndAPendingInvitationsClaimNever() {
        UUID org = organizationAdministeredBy(admin, "Crash Claim");
        inviteOne(org, "paula@crash.io");
        invitationLookup().losingTheLookupWrite(() -> inviteOne(org, "sam@crash.io"));
        // what a request that died between claiming the address and appending the invitation leaves: the claim alone
        claimLeftByADeadRequest(org, "cora@crash.io", UUID.randomUUID());
        invite(org, "cora@crash.io").expectStatus().isCreated().expectBody().jsonPath("$.rejected[0].code").isEqualTo("already_invited");

        clock.advance(ABANDONED.plusMinutes(1));
        assertThat(inviteOne(org, "cora@crash.io")).isNotNull();
        // older still, but held by pending invitations: the lookup says so of one, the event store of the other
        invite(org, "paula@crash.io").expectStatus().isCreated().expectBody().jsonPath("$.rejected[0].code").isEqualTo("already_invited");
        invite(org, "sam@crash.io").expectStatus().isCreated().expectBody().jsonPath("$.rejected[0].code").isEqualTo("already_invited");
    }

    @Test
    void aResendOfAnExpiredInvitationThatDiedBeforeTheAppendFreesTheAddressOnceAbandoned() {
        UUID org = organizationAdministeredBy(admin, "Crash Resend");
        UUID invitationId = invite(org, Map.of("emails", List.of("gina@crash.io"), "roles", List.of("member"), "expiresInHours", 1))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("invitations").get(0).get("invitationId").asText().transform(UUID::fromString);
        String token = secretBox.open(((InvitationIssued) invitationEvents(invitationId, 1).get(0)).token());
        clock.advance(Duration.ofHours(2));
        // expired: the invitation's InvitationExpired gave its address back
        await().atMost(Duration.ofSeconds(30)).until(() -> claimOn(org, "gina@crash.io") == null);
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("expired");
        // the resend claimed the address again for the expired invitation, and its process died before the append
        claimLeftByADeadRequest(org, "gina@crash.io", invitationId);
        invite(org, "gina@crash.io").expectStatus().isCreated().expectBody().jsonPath("$.rejected[0].code").isEqualTo("already_invited");

        clock.advance(ABANDONED.plusMinutes(1));
        assertThat(inviteOne(org, "gina@crash.io")).isNotEqualTo(invitationId);
    }

    @Test
    void aLinkStoredWithoutItsLookupEntryAdmitsOnceTheRepairRan() {
        UUID org = organizationAdministeredBy(admin, "Crash Link");
        String url = linkLookup().losingTheLookupWrite(() -> web.post().uri("/api/v1/organizations/{org}/invitation-links", org)
                .headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Crash", "roles", List.of("member"))).exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()).get("url").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        UUID joiner = UUID.randomUUID();

        accept(token, tokenOf(joiner, "joiner@anywhere.io")).expectStatus().isNotFound();

        linkLookup().restartRepair();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                database.getCollection("link-lookup-v1").find(Filters.eq("organizationId", org.toString())).first() != null);
        accept(token, tokenOf(joiner, "joiner@anywhere.io")).expectStatus().isOk()
                .expectBody().jsonPath("$.organizationId").isEqualTo(org.toString());
    }

    @Test
    void aBulkJobWhoseCompletionWasNotRecordedIsCompletedOnceTheRepairRan() {
        UUID org = organizationAdministeredBy(admin, "Crash Bulk");
        String jobId = bulkJobs().losingTheLookupWrite(() -> web.post().uri("/api/v1/organizations/{org}/invitations/bulk", org)
                .headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.parseMediaType("text/csv"))
                .bodyValue("email,group membership\nb1@crash.io,\nb2@crash.io,\n".getBytes(StandardCharsets.UTF_8)).exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()).get("jobId").asText();

        jobStatus(org, jobId).jsonPath("$.status").isEqualTo("running");

        bulkJobs().restartRepair();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> jobStatus(org, jobId)
                .jsonPath("$.status").isEqualTo("completed").jsonPath("$.invited").isEqualTo(2));
    }

    @Test
    void replayingTheWholeStoreChangesNoLookup() {
        UUID org = organizationAdministeredBy(admin, "Replay");
        UUID ann = inviteOne(org, "ann@replay.io");
        UUID cy = inviteOne(org, "cy@replay.io");
        UUID bob = invite(org, Map.of("emails", List.of("bob@replay.io"), "roles", List.of("member"), "expiresInHours", 1))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("invitations").get(0).get("invitationId").asText().transform(UUID::fromString);
        web.delete().uri("/api/v1/organizations/{org}/invitations/{id}", org, cy).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk();
        resend(org, ann);
        clock.advance(Duration.ofHours(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> claimOn(org, "bob@replay.io") == null);
        // an expired invitation sent again: it claims its address anew, after its expiry gave the address back
        resend(org, bob);
        String bobsToken = secretBox.open(((InvitationResent) invitationEvents(bob, 3).get(2)).token());
        List<Document> invitations = documents("invitation-lookup-v1", Filters.eq("organizationId", org.toString()));
        List<Document> claims = documents("pending-invitation-addresses-v1", Filters.regex("_id", "^" + org));
        assertThat(invitations).hasSize(3);
        assertThat(claims).hasSize(2);

        invitationLookup().replayEverything();

        assertThat(documents("invitation-lookup-v1", Filters.eq("organizationId", org.toString()))).isEqualTo(invitations);
        assertThat(documents("pending-invitation-addresses-v1", Filters.regex("_id", "^" + org))).isEqualTo(claims);
        // the replayed expiry of bob's invitation did not give back the claim its resend took later
        invite(org, "bob@replay.io").expectStatus().isCreated().expectBody().jsonPath("$.rejected[0].code").isEqualTo("already_invited");
        web.get().uri("/api/v1/invitations/{token}", bobsToken).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("pending");
    }

    private void claimLeftByADeadRequest(UUID org, String email, UUID invitationId) {
        database.getCollection("pending-invitation-addresses-v1").insertOne(new Document("_id", org + ":" + email)
                .append("invitationId", invitationId.toString()).append("claimedAt", Date.from(clock.instant())));
    }

    private Document claimOn(UUID org, String email) {
        return database.getCollection("pending-invitation-addresses-v1").find(Filters.eq("_id", org + ":" + email)).first();
    }

    private void awaitLookupEntry(String collection, UUID id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> lookupEntry(collection, id) != null);
    }

    private Document lookupEntry(String collection, UUID id) {
        return database.getCollection(collection).find(Filters.eq("_id", id.toString())).first();
    }

    private List<Document> documents(String collection, org.bson.conversions.Bson filter) {
        return database.getCollection(collection).find(filter).sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private UUID inviteOne(UUID org, String email) {
        JsonNode body = invite(org, email).expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body.get("invitations")).as("invited %s: %s", email, body).hasSize(1);
        return UUID.fromString(body.get("invitations").get(0).get("invitationId").asText());
    }

    private WebTestClient.ResponseSpec invite(UUID org, String email) {
        return invite(org, Map.of("emails", List.of(email), "roles", List.of("member")));
    }

    private WebTestClient.ResponseSpec invite(UUID org, Map<String, Object> body) {
        return web.post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private void resend(UUID org, UUID invitationId) {
        web.post().uri("/api/v1/organizations/{org}/invitations/{id}/resend", org, invitationId)
                .headers(h -> h.setBearerAuth(adminToken)).exchange().expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec accept(String token, String bearer) {
        return web.post().uri("/api/v1/invitations/{token}/accept", token).headers(h -> h.setBearerAuth(bearer)).exchange();
    }

    private WebTestClient.BodyContentSpec jobStatus(UUID org, String jobId) {
        return web.get().uri("/api/v1/organizations/{org}/invitations/bulk/{job}", org, jobId).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk().expectBody();
    }
}
