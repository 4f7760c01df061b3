package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.MutableClock;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * B2, as the attack: with {@code roster.membership.single-organization=true} (which the identity service enforces
 * by dropping the join), a member of organization A is invited to organization B and accepts. Every invitation
 * path must refuse with {@code user_in_other_organization}: per address when inviting (personal and bulk CSV),
 * with 409 when accepting (personal invitation or link), leaving the invitation pending rather than "accepted"
 * with no membership. A replica of its own, as the setting differs from {@link AbstractServiceTest}'s context.
 */
class SingleOrganizationInvitationTest {

    private static final String KEY = SecretBox.newKey();
    private static final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private static InvitationReplica replica;

    @BeforeAll
    static void start() {
        InvitationReplica.Deployment base = InvitationReplica.Deployment.onEmbeddedInfrastructure("invitation-single-org",
                KEY, Duration.ofSeconds(1), new MutableClock(Clock.systemUTC()));
        Map<String, String> properties = new LinkedHashMap<>(base.properties());
        properties.put("roster.membership.single-organization", "true");
        replica = InvitationReplica.start("single-org",
                new InvitationReplica.Deployment(Map.copyOf(properties), base.consumerGroupSuffix(), base.clock()));
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
    }

    private final UUID adminA = UUID.randomUUID();
    private final UUID adminB = UUID.randomUUID();
    private final String adminBToken = TestTokenIssuer.get().tokenFor(adminB, "boss@b.io", List.of());

    @Test
    void aMemberOfAnotherOrganizationIsRefusedPerAddressWhenInvitedOneByOneOrInBulk() {
        UUID orgA = organization(adminA, "A Corp");
        UUID orgB = organization(adminB, "B Corp");
        UUID amy = user("amy@a.io");
        joins(orgA, amy, 2);

        JsonNode body = web().post().uri("/api/v1/organizations/{org}/invitations", orgB).headers(h -> h.setBearerAuth(adminBToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emails", List.of("Amy@A.io", "newcomer@b.io"), "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body.get("invitations")).extracting(i -> i.get("email").asText()).containsExactly("newcomer@b.io");
        assertThat(body.get("rejected")).extracting(r -> r.get("email").asText() + " " + r.get("code").asText())
                .containsExactly("amy@a.io user_in_other_organization");

        for (String dryRun : List.of("?dryRun=true", "")) {
            web().post().uri("/api/v1/organizations/" + orgB + "/invitations/bulk" + dryRun).headers(h -> h.setBearerAuth(adminBToken))
                    .contentType(MediaType.parseMediaType("text/csv"))
                    .bodyValue("email,group membership\namy@a.io,\nother@b.io,\n".getBytes(StandardCharsets.UTF_8))
                    .exchange().expectStatus().is2xxSuccessful().expectBody()
                    .jsonPath("$.invited").isEqualTo(1)
                    .jsonPath("$.failed.length()").isEqualTo(1)
                    .jsonPath("$.failed[0].line").isEqualTo(2)
                    .jsonPath("$.failed[0].code").isEqualTo("user_in_other_organization");
        }
    }

    @Test
    void anInvitationIssuedBeforeTheInviteeJoinedAnotherOrganizationIsRefusedAtAcceptAndStaysPending() {
        UUID orgA = organization(adminA, "A Ltd");
        UUID orgB = organization(adminB, "B Ltd");
        UUID bob = user("bob@b.io");
        String bobToken = TestTokenIssuer.get().tokenFor(bob, "bob@b.io", List.of());
        String invitationToken = invite(orgB, "bob@b.io");
        String linkToken = link(orgB);

        joins(orgA, bob, 2);
        accept(invitationToken, bobToken).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("user_in_other_organization");
        accept(linkToken, bobToken).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("user_in_other_organization");
        web().get().uri("/api/v1/invitations/{token}", invitationToken).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("pending");
        web().get().uri("/api/v1/invitations/{token}", linkToken).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("enabled");

        // once bob has left A, the same invitation still works: it was kept pending, not used up
        publish(new MemberRemoved(UUID.randomUUID(), Instant.now(), orgA, bob, bob, bob, RemovalReason.LEFT, null), 3);
        await().atMost(Duration.ofSeconds(60)).until(() -> !directory().isMember(orgA, bob));
        accept(invitationToken, bobToken).expectStatus().isOk().expectBody().jsonPath("$.organizationId").isEqualTo(orgB.toString());
    }

    @Test
    void anExpiredMembershipFreesTheInviteeAsALeftOneDoes() {
        UUID orgA = organization(adminA, "A Ltd");
        UUID orgB = organization(adminB, "B Ltd");
        UUID bob = user("bob@b.io");
        String bobToken = TestTokenIssuer.get().tokenFor(bob, "bob@b.io", List.of());
        String invitationToken = invite(orgB, "bob@b.io");
        joins(orgA, bob, 2);
        accept(invitationToken, bobToken).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("user_in_other_organization");

        publish(new MemberExpired(UUID.randomUUID(), Instant.now(), orgA, null, bob, Instant.now()), 3);
        await().atMost(Duration.ofSeconds(60)).until(() -> !directory().isMember(orgA, bob));
        accept(invitationToken, bobToken).expectStatus().isOk().expectBody().jsonPath("$.organizationId").isEqualTo(orgB.toString());
    }

    private UUID organization(UUID admin, String name) {
        UUID org = UUID.randomUUID();
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, name), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> directory().isAdmin(org, admin));
        return org;
    }

    private UUID user(String email) {
        UUID user = UUID.randomUUID();
        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, user, email, "F", "L", RegistrationSource.ADMIN, true), 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> directory().knows(user));
        return user;
    }

    private void joins(UUID org, UUID user, long sequence) {
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, null, user, List.of("member"), List.of(), JoinPath.DIRECT, null), sequence);
        await().atMost(Duration.ofSeconds(60)).until(() -> directory().isMember(org, user));
    }

    /** A pending invitation's raw token, opened from its InvitationIssued as the notification service would. */
    private String invite(UUID org, String email) {
        JsonNode body = web().post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> h.setBearerAuth(adminBToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("emails", List.of(email), "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        String invitationId = body.get("invitations").get(0).get("invitationId").asText();
        RosterEvent issued = codec.decode(EmbeddedInfrastructure.records(Topics.INVITATION, invitationId, 1).get(0)).event();
        return new SecretBox(KEY).open(((InvitationIssued) issued).token());
    }

    private String link(UUID org) {
        String url = web().post().uri("/api/v1/organizations/{org}/invitation-links", org).headers(h -> h.setBearerAuth(adminBToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Open", "quota", 5, "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody().get("url").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private WebTestClient.ResponseSpec accept(String token, String bearer) {
        return web().post().uri("/api/v1/invitations/{token}/accept", token).headers(h -> h.setBearerAuth(bearer)).exchange();
    }

    @SuppressWarnings("unchecked")
    private void publish(RosterEvent event, long sequence) {
        replica.bean(KafkaTemplate.class).send(codec.encode(EventEnvelope.of(event, sequence))).join();
    }

    private IdentityDirectory directory() {
        return replica.bean(IdentityDirectory.class);
    }

    private WebTestClient web() {
        return replica.web();
    }
}
