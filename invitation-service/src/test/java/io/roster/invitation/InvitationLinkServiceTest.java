package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.RosterEvent;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Invitation links over HTTP: exact quota under concurrency, domain patterns, disable and enable, the URL. */
class InvitationLinkServiceTest extends AbstractServiceTest {

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@links.io");

    @Test
    void aLinkWithQuotaThreeAdmitsExactlyThreeOfTenParallelUsers() throws Exception {
        UUID org = organizationAdministeredBy(admin, "Quota Inc");
        JsonNode created = createLink(org, Map.of("name", "Launch", "quota", 3, "roles", List.of("member")))
                .expectStatus().isCreated().expectHeader().exists("Consistency-Token")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID linkId = UUID.fromString(created.get("linkId").asText());
        String url = created.get("url").asText();
        assertThat(url).startsWith("http://127.0.0.1:8082/invite/");
        String token = url.substring(url.lastIndexOf('/') + 1);

        var pool = Executors.newFixedThreadPool(10);
        List<String> codes = new ArrayList<>();
        try {
            List<Future<WebTestClient.ResponseSpec>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                UUID user = UUID.randomUUID();
                answers.add(pool.submit(() -> accept(token, tokenOf(user, user + "@anywhere.io"))));
            }
            for (var answer : answers) {
                JsonNode body = answer.get(60, TimeUnit.SECONDS).expectBody(JsonNode.class).returnResult().getResponseBody();
                codes.add(body.has("code") ? body.get("code").asText() : "ok:" + body.get("organizationId").asText());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(codes).filteredOn(c -> c.equals("ok:" + org)).hasSize(3);
        assertThat(codes).filteredOn(c -> c.equals("quota_exhausted")).hasSize(7);

        List<RosterEvent> events = invitationEvents(linkId, 4);
        assertThat(events.get(0)).isInstanceOf(InvitationLinkCreated.class);
        assertThat(events.subList(1, 4)).allSatisfy(e -> assertThat(e).isInstanceOf(InvitationLinkUsed.class))
                .extracting(e -> ((InvitationLinkUsed) e).used()).containsExactly(1, 2, 3);
        assertThat(new String(invitationRecords(linkId, 1).get(0).value(), StandardCharsets.UTF_8)).doesNotContain(token);
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("exhausted").jsonPath("$.organizationName").isEqualTo("Quota Inc");
    }

    @Test
    void aDomainLinkAdmitsOnlyVerifiedAddressesOfItsDomainAndADisabledLinkRefuses() {
        UUID org = organizationAdministeredBy(admin, "Domain Co");
        JsonNode created = createLink(org, Map.of("name", "Staff", "emails", List.of("*@Example.org"), "quota", 1, "roles", List.of("member")))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        String url = created.get("url").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        UUID linkId = UUID.fromString(created.get("linkId").asText());

        UUID outsider = registered("carl@example.com", true);
        UUID unverified = registered("una@example.org", false);
        UUID insider = registered("ina@example.org", true);

        accept(token, tokenOf(outsider, "carl@example.com")).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("email_mismatch");
        accept(token, tokenOf(unverified, "una@example.org")).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("email_not_verified");

        status(org, linkId, "disabled").expectStatus().isOk();
        accept(token, tokenOf(insider, "ina@example.org")).expectStatus().isEqualTo(410)
                .expectBody().jsonPath("$.code").isEqualTo("invitation_disabled");
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("disabled").jsonPath("$.emailHint").isEqualTo("*@example.org");
        status(org, linkId, "enabled").expectStatus().isOk();
        // the refusals used none of the quota of one
        accept(token, tokenOf(insider, "ina@example.org")).expectStatus().isOk()
                .expectBody().jsonPath("$.organizationId").isEqualTo(org.toString());
        accept(token, tokenOf(insider, "ina@example.org")).expectStatus().isOk();

        List<RosterEvent> events = invitationEvents(linkId, 6);
        assertThat(events).hasSize(6);
        assertThat(events).filteredOn(InvitationAcceptRejected.class::isInstance)
                .extracting(e -> ((InvitationAcceptRejected) e).code()).containsExactly("email_mismatch", "email_not_verified");
        assertThat(events).filteredOn(InvitationLinkUsed.class::isInstance).hasSize(1);
    }

    @Test
    void adminsEditALinkAndCopyItsUrlAndOthersMayNot() {
        UUID org = organizationAdministeredBy(admin, "Editors");
        JsonNode created = createLink(org, Map.of("name", "Old", "emails", List.of("Ann@x.io"), "roles", List.of("member")))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID linkId = UUID.fromString(created.get("linkId").asText());
        String url = created.get("url").asText();

        web.get().uri("/api/v1/organizations/{org}/invitation-links/{id}/url", org, linkId).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.url").isEqualTo(url);
        web.get().uri("/api/v1/organizations/{org}/invitation-links/{id}/url", org, linkId)
                .headers(h -> h.setBearerAuth(tokenOf(UUID.randomUUID(), "nobody@x.io")))
                .exchange().expectStatus().isNotFound(); // an outsider: the organization does not exist for them
        Instant expiry = clock.instant().plus(Duration.ofDays(3));
        web.patch().uri("/api/v1/organizations/{org}/invitation-links/{id}", org, linkId).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "New", "emails", List.of(), "expiresAt", expiry.toString(), "roles", List.of("admin")))
                .exchange().expectStatus().isOk();
        String token = url.substring(url.lastIndexOf('/') + 1);
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.roles[0]").isEqualTo("admin").jsonPath("$.emailHint").doesNotExist()
                .jsonPath("$.status").isEqualTo("enabled");
        web.patch().uri("/api/v1/organizations/{org}/invitation-links/{id}", org, linkId).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("expiresAt", clock.instant().minusSeconds(60).toString()))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed");
        createLink(org, Map.of("name", "Bad", "emails", List.of("*@"), "roles", List.of("member")))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("emails");
        web.put().uri("/api/v1/organizations/{org}/invitation-links/{id}/status", org, UUID.randomUUID())
                .headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("status", "disabled")).exchange().expectStatus().isNotFound();

        clock.advance(Duration.ofDays(4));
        accept(token, tokenOf(UUID.randomUUID(), "late@x.io")).expectStatus().isEqualTo(410)
                .expectBody().jsonPath("$.code").isEqualTo("invitation_expired");
    }

    /**
     * Issue 17 item 3 (B5): a link's expiry and quota can be taken away again with JSON merge patch nulls, and every
     * refused value names its field.
     */
    @Test
    void aPatchWithNullsMakesALinkNeverExpireAndUnlimitedAgainAndRefusalsNameTheirField() {
        UUID org = organizationAdministeredBy(admin, "Patch Co");
        JsonNode created = createLink(org, Map.of("name", "Trial", "quota", 1, "expiresAt",
                clock.instant().plus(Duration.ofDays(1)).toString(), "roles", List.of("member")))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID linkId = UUID.fromString(created.get("linkId").asText());
        String url = created.get("url").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        UUID first = UUID.randomUUID();
        accept(token, tokenOf(first, first + "@anywhere.io")).expectStatus().isOk();

        patchLink(org, linkId, "{\"quota\":0}").expectStatus().isBadRequest().expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed").jsonPath("$.errors[0].field").isEqualTo("quota");
        patchLink(org, linkId, "{\"expiresAt\":\"" + clock.instant().minusSeconds(60) + "\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("expiresAt");
        await("the used-up link").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                        .expectBody().jsonPath("$.status").isEqualTo("exhausted"));
        patchLink(org, linkId, "{\"name\":\"Renamed\"}").expectStatus().isOk();
        // the preview reads the lookup, which the link's events reach a moment later
        await("the renamed link keeps its quota").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                        .expectBody().jsonPath("$.status").isEqualTo("exhausted"));

        patchLink(org, linkId, "{\"expiresAt\":null,\"quota\":null}").expectStatus().isOk();
        clock.advance(Duration.ofDays(30));
        await("the link without expiry or quota").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                        .expectBody().jsonPath("$.status").isEqualTo("enabled"));
        for (int i = 0; i < 2; i++) {
            UUID later = UUID.randomUUID();
            accept(token, tokenOf(later, later + "@anywhere.io")).expectStatus().isOk();
        }
        List<RosterEvent> events = invitationEvents(linkId, 6);
        assertThat(events).filteredOn(InvitationLinkUpdated.class::isInstance).extracting(e -> (InvitationLinkUpdated) e)
                .extracting(InvitationLinkUpdated::name, InvitationLinkUpdated::quota)
                .containsExactly(tuple("Renamed", 1), tuple("Renamed", null));
        assertThat(events).filteredOn(InvitationLinkUpdated.class::isInstance).last()
                .extracting(e -> ((InvitationLinkUpdated) e).expiresAt()).isNull();

        patchLink(org, linkId, "{\"quota\":2}").expectStatus().isBadRequest().expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("quota")
                .jsonPath("$.errors[0].message").isEqualTo("must be at least 1 and at least the 3 uses so far");
    }

    private WebTestClient.ResponseSpec patchLink(UUID org, UUID linkId, String json) {
        return web.patch().uri("/api/v1/organizations/{org}/invitation-links/{id}", org, linkId).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private UUID registered(String email, boolean verified) {
        UUID user = UUID.randomUUID();
        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, user, email, "F", "L", RegistrationSource.SIGN_UP, verified), 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.knows(user));
        return user;
    }

    private WebTestClient.ResponseSpec createLink(UUID org, Map<String, Object> body) {
        return web.post().uri("/api/v1/organizations/{org}/invitation-links", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec status(UUID org, UUID linkId, String status) {
        return web.put().uri("/api/v1/organizations/{org}/invitation-links/{id}/status", org, linkId)
                .headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("status", status)).exchange();
    }

    private WebTestClient.ResponseSpec accept(String token, String bearer) {
        return web.post().uri("/api/v1/invitations/{token}/accept", token).headers(h -> h.setBearerAuth(bearer)).exchange();
    }
}
