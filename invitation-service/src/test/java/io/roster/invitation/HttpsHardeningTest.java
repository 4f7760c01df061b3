package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.invitation.InvitationIssued;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import io.roster.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

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
 * Hardening: with the public origin on HTTPS ({@code roster.security.https}, TLS ending at a proxy, so the requests
 * themselves arrive as plain http) every answer carries {@code Strict-Transport-Security} and the pages' cookies are
 * {@code Secure}; without it (the local stack) neither.
 */
class HttpsHardeningTest {

    private InvitationReplica replica;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.close();
        }
    }

    private static final String KEY = SecretBox.newKey();
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();

    private static InvitationReplica.Deployment deployment(boolean https) {
        InvitationReplica.Deployment base = InvitationReplica.Deployment.onEmbeddedInfrastructure("invitation-https",
                KEY, Duration.ofSeconds(1), new MutableClock(Clock.systemUTC()));
        Map<String, String> properties = new LinkedHashMap<>(base.properties());
        properties.put("roster.security.https", Boolean.toString(https));
        return new InvitationReplica.Deployment(Map.copyOf(properties), base.consumerGroupSuffix(), base.clock());
    }

    @Test
    void behindHttpsEveryAnswerHasHstsAndThePagesCookiesAreSecure() {
        replica = InvitationReplica.start("https", deployment(true));
        String token = invitationToken();

        EntityExchangeResult<String> invite = replica.web().get().uri("/invite/{token}", token).exchange()
                .expectStatus().isSeeOther().expectBody(String.class).returnResult();
        assertThat(invite.getResponseHeaders().getFirst("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
        assertThat(invite.getResponseCookies().getFirst("roster_invitation")).isNotNull();
        assertThat(invite.getResponseHeaders().getOrEmpty(HttpHeaders.SET_COOKIE)).isNotEmpty()
                .allSatisfy(cookie -> assertThat(cookie).contains("; Secure"));

        EntityExchangeResult<String> signUp = replica.web().get().uri("/invite/sign-up").cookie("roster_invitation", token).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        assertThat(signUp.getResponseCookies().getFirst("roster_invite_csrf")).as("the CSRF cookie").isNotNull();
        assertThat(signUp.getResponseHeaders().getOrEmpty(HttpHeaders.SET_COOKIE)).isNotEmpty()
                .allSatisfy(cookie -> assertThat(cookie).contains("; Secure"));

        replica.web().get().uri("/api/v1/invitations/{token}", "x".repeat(43)).exchange()
                .expectHeader().valueMatches("Strict-Transport-Security", "max-age=\\d+; includeSubDomains");
    }

    @Test
    void overPlainHttpNoHsts() {
        replica = InvitationReplica.start("http", deployment(false));
        replica.web().get().uri("/api/v1/invitations/{token}", "x".repeat(43)).exchange()
                .expectHeader().doesNotExist("Strict-Transport-Security");
    }

    /** An invitation issued on the replica, its raw token opened from its InvitationIssued as the notification service would. */
    @SuppressWarnings("unchecked")
    private String invitationToken() {
        UUID admin = UUID.randomUUID();
        UUID org = UUID.randomUUID();
        KafkaTemplate<String, byte[]> kafka = replica.bean(KafkaTemplate.class);
        kafka.send(codec.encode(EventEnvelope.of(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Https Ltd"), 0))).join();
        kafka.send(codec.encode(EventEnvelope.of(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin,
                List.of("admin"), List.of(), JoinPath.DIRECT, null), 1))).join();
        IdentityDirectory directory = replica.bean(IdentityDirectory.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> directory.isAdmin(org, admin));
        JsonNode body = replica.web().post().uri("/api/v1/organizations/{org}/invitations", org)
                .headers(h -> h.setBearerAuth(TestTokenIssuer.get().tokenFor(admin, "boss@https.io", List.of())))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("emails", List.of("ann@https.io"), "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        String invitationId = body.get("invitations").get(0).get("invitationId").asText();
        InvitationIssued issued = (InvitationIssued) codec.decode(EmbeddedInfrastructure.records(Topics.INVITATION, invitationId, 1).get(0)).event();
        return new SecretBox(KEY).open(issued.token());
    }
}
