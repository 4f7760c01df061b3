package io.roster.invitation;

import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.kit.ratelimit.RateLimiter;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.MutableClock;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * V4 on the invitation service, as the attack, against two replicas on one MongoDB database (the limits are shared,
 * not per replica): guessed tokens are answered 429 {@code rate_limited} with {@code Retry-After} after a few unknown
 * ones, on either replica and whatever {@code X-Forwarded-For} the guesser writes (127.0.0.1 is no trusted proxy here),
 * and served again after the window; an organization that has sent its allowance of invitations is refused more.
 */
class TwoReplicasRateLimitTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final InvitationReplica.Deployment deployment = withLimits(InvitationReplica.Deployment.onEmbeddedInfrastructure(
            "invitation-limits", SecretBox.newKey(), Duration.ofSeconds(1), new MutableClock(Clock.systemUTC())));
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private InvitationReplica a;
    private InvitationReplica b;

    private static InvitationReplica.Deployment withLimits(InvitationReplica.Deployment base) {
        Map<String, String> properties = new LinkedHashMap<>(base.properties());
        properties.put("roster.rate-limits.limits.invitation-token-failures-per-address.capacity", "6");
        properties.put("roster.rate-limits.limits.invitation-token-failures-per-address.period", "PT30S");
        properties.put("roster.rate-limits.limits.invitation-sending-per-organization.capacity", "30");
        properties.put("roster.rate-limits.limits.invitation-sending-per-organization.period", "PT1H");
        return new InvitationReplica.Deployment(Map.copyOf(properties), base.consumerGroupSuffix(), base.clock());
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void guessedTokensAreLimitedPerClientAddressAcrossReplicasAndASpoofedHeaderDoesNotEscape() {
        a = InvitationReplica.start("limits-a", deployment);
        b = InvitationReplica.start("limits-b", deployment);
        assertThat(refusals(a, "invitation-token-failures-per-address")).isZero();
        assertThat(a.bean(io.roster.kit.ratelimit.RateLimitProperties.class).paths()).hasSize(5);

        for (int i = 0; i < 6; i++) {
            guess(i % 2 == 0 ? a : b, "GET", null).expectStatus().isNotFound();
        }
        for (InvitationReplica replica : List.of(a, b)) {
            guess(replica, "GET", null).expectStatus().isEqualTo(429)
                    .expectHeader().valueMatches(HttpHeaders.RETRY_AFTER, "[1-9][0-9]*")
                    .expectBody().jsonPath("$.code").isEqualTo("rate_limited");
            guess(replica, "GET", "203.0.113." + RANDOM.nextInt(250)).expectStatus().isEqualTo(429);
            guess(replica, "POST", "198.51.100.77").expectStatus().isEqualTo(429);
            guess(replica, "PAGE", null).expectStatus().isEqualTo(429);
        }
        assertThat(refusals(a, "invitation-token-failures-per-address") + refusals(b, "invitation-token-failures-per-address"))
                .isEqualTo(8);

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> guess(a, "GET", null).returnResult(String.class).getStatus().value() == 404);
    }

    @Test
    void anOrganizationIsRefusedInvitationsBeyondItsAllowanceOnEveryReplica() {
        a = InvitationReplica.start("limits-a", deployment);
        b = InvitationReplica.start("limits-b", deployment);
        UUID admin = UUID.randomUUID();
        String token = TestTokenIssuer.get().tokenFor(admin, "boss@limits.io", List.of());
        UUID org = UUID.randomUUID();
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Limits Ltd"), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        for (InvitationReplica replica : List.of(a, b)) {
            IdentityDirectory directory = replica.bean(IdentityDirectory.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> directory.isAdmin(org, admin));
        }

        invite(a, org, token, "first", 20).expectStatus().isCreated();
        invite(b, org, token, "second", 20).expectStatus().isEqualTo(429).expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.code").isEqualTo("rate_limited");
        invite(b, org, token, "third", 10).expectStatus().isCreated();
        invite(a, org, token, "fourth", 1).expectStatus().isEqualTo(429);
    }

    private WebTestClient.ResponseSpec invite(InvitationReplica replica, UUID org, String token, String prefix, int count) {
        List<String> emails = IntStream.range(0, count).mapToObj(i -> prefix + i + "@limits.io").toList();
        return replica.web().post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("emails", emails, "roles", List.of("member"))).exchange();
    }

    /** A made-up token of the right shape, on the API preview, the API accept or the browser page. */
    private static WebTestClient.ResponseSpec guess(InvitationReplica replica, String how, String forwardedFor) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        WebTestClient.RequestHeadersSpec<?> request = switch (how) {
            case "GET" -> replica.web().get().uri("/api/v1/invitations/{token}", token);
            case "POST" -> replica.web().post().uri("/api/v1/invitations/{token}/accept", token)
                    .headers(h -> h.setBearerAuth(TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "guesser@limits.io", List.of())));
            default -> replica.web().get().uri("/invite/{token}", token);
        };
        if (forwardedFor != null) {
            request = request.header("X-Forwarded-For", forwardedFor);
        }
        return request.exchange();
    }

    private static double refusals(InvitationReplica replica, String limit) {
        return replica.bean(MeterRegistry.class).get(RateLimiter.REFUSALS_METRIC).tag("limit", limit).counter().count();
    }

    @SuppressWarnings("unchecked")
    private void publish(RosterEvent event, long sequence) {
        a.bean(KafkaTemplate.class).send(codec.encode(EventEnvelope.of(event, sequence))).join();
    }
}
