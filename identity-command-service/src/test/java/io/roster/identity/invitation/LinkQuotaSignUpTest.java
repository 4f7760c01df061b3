package io.roster.identity.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.identity.IdentityHttpTest;
import io.roster.identity.account.InvitationTokens;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.MutableClock;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * V6, as the attack: 20 sign-ups race on a link with a quota of 5. Exactly 5 accounts are created; the others get
 * 410 {@code quota_exhausted} and no account. The test client connects from 127.0.0.1, configured here as a trusted
 * proxy, so each sign-up is its own client address through {@code X-Forwarded-For} (the sign-up rate limit is per
 * address). The service's clock is one the tests move forward (real time plus an offset), to make reservations lapse.
 */
@TestPropertySource(properties = {"roster.identity.open-sign-up=false",
        "roster.rate-limits.trusted-proxies=127.0.0.1/32,::1/128"})
@Import(LinkQuotaSignUpTest.MovableClock.class)
class LinkQuotaSignUpTest extends IdentityHttpTest {

    private static final EncryptedSecret SEALED = new EncryptedSecret("k1", "c2VhbGVk");

    @TestConfiguration
    static class MovableClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock(Clock.systemUTC());
        }
    }

    @Autowired
    private InvitationTokens tokens;
    @Autowired
    private MutableClock clock;

    @Test
    void twentyConcurrentSignUpsOnAQuotaFiveLinkCreateExactlyFiveAccounts() throws Exception {
        String token = SecretBox.newToken();
        UUID linkId = UUID.randomUUID();
        UUID organizationId = UUID.randomUUID();
        publishInvitationEvent(EventEnvelope.of(new InvitationLinkCreated(UUID.randomUUID(), Instant.now(), organizationId, null,
                linkId, "Launch", null, List.of(), null, 5, List.of("member"), List.of(), SecretBox.hash(token), SEALED), 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> tokens.byHash(SecretBox.hash(token)).isPresent());

        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<String> outcomes = new ArrayList<>();
        List<UUID> accounts = new ArrayList<>();
        try {
            List<Future<EntityExchangeResult<JsonNode>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String client = "203.0.113." + (i + 1);
                String email = "racer-" + i + "-" + UUID.randomUUID() + "@example.org";
                answers.add(pool.submit((Callable<EntityExchangeResult<JsonNode>>) () -> signUp(email, token, client)));
            }
            for (Future<EntityExchangeResult<JsonNode>> answer : answers) {
                EntityExchangeResult<JsonNode> result = answer.get(120, TimeUnit.SECONDS);
                JsonNode body = result.getResponseBody();
                if (result.getStatus() == HttpStatus.CREATED) {
                    outcomes.add("created");
                    accounts.add(UUID.fromString(body.get("userId").asText()));
                } else {
                    outcomes.add(result.getStatus().value() + " " + body.get("code").asText());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).filteredOn("created"::equals).hasSize(5);
        assertThat(outcomes).filteredOn("410 quota_exhausted"::equals).hasSize(15);
        assertThat(accounts).allSatisfy(userId -> assertThat(eventsOf(userId)).isNotEmpty());

        // the invitation service's InvitationLinkUsed settles a reservation: counted once, the link stays full
        publishInvitationEvent(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId,
                accounts.get(0), linkId, accounts.get(0), "x@example.org", List.of("member"), List.of(), 1), 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> tokens.byHash(SecretBox.hash(token)).orElseThrow().used() == 1);
        EntityExchangeResult<JsonNode> late = signUp("late-" + UUID.randomUUID() + "@example.org", token, "203.0.113.99");
        assertThat(late.getStatus().value()).isEqualTo(410);
        assertThat(late.getResponseBody().get("code").asText()).isEqualTo("quota_exhausted");

        // the other four at once (a crowd's uses of one link arrive together: one update for the lot), one twice
        for (int i = 1; i < 5; i++) {
            publishInvitationEvent(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId,
                    accounts.get(i), linkId, accounts.get(i), "x@example.org", List.of("member"), List.of(), i + 1), i + 1));
        }
        publishInvitationEvent(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId,
                accounts.get(2), linkId, accounts.get(2), "x@example.org", List.of("member"), List.of(), 3), 3));
        await().atMost(Duration.ofSeconds(30)).until(() -> tokens.byHash(SecretBox.hash(token)).orElseThrow().used() == 5);
        Document entry = mongo.getCollection("invitation-tokens-v1").find(new Document("_id", SecretBox.hash(token))).first();
        assertThat(entry.getList("signUpUses", String.class, List.of())).as("every sign-up use now counted in used").isEmpty();
        assertThat(entry.getList("openReservations", Document.class, List.of())).isEmpty();
        assertThat(signUp("later-" + UUID.randomUUID() + "@example.org", token, "203.0.113.98").getStatus().value()).isEqualTo(410);
    }

    @Test
    void aSignUpThatFailsGivesItsUseOfTheQuotaBack() {
        String token = SecretBox.newToken();
        publishInvitationEvent(EventEnvelope.of(new InvitationLinkCreated(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), null,
                UUID.randomUUID(), "One seat", null, List.of(), null, 1, List.of("member"), List.of(), SecretBox.hash(token), SEALED), 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> tokens.byHash(SecretBox.hash(token)).isPresent());

        EntityExchangeResult<JsonNode> taken = signUp(ADMIN_EMAIL, token, "198.51.100.1");
        assertThat(taken.getStatus().value()).isEqualTo(409);
        assertThat(taken.getResponseBody().get("code").asText()).isEqualTo("email_taken");
        assertThat(signUp("seat-" + UUID.randomUUID() + "@example.org", token, "198.51.100.2").getStatus()).isEqualTo(HttpStatus.CREATED);
        assertThat(signUp("next-" + UUID.randomUUID() + "@example.org", token, "198.51.100.3").getStatus().value()).isEqualTo(410);
    }

    @Test
    void aReservationWhoseSignUpNeverFinishedLapsesAfterTwoMinutesWhileAFinishedSignUpKeepsItsUse() {
        String token = SecretBox.newToken();
        publishInvitationEvent(EventEnvelope.of(new InvitationLinkCreated(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), null,
                UUID.randomUUID(), "Two seats", null, List.of(), null, 2, List.of("member"), List.of(), SecretBox.hash(token), SEALED), 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> tokens.byHash(SecretBox.hash(token)).isPresent());

        // a sign-up reserved a use, and its process died before it registered the user: nothing will release it
        assertThat(tokens.reserve(SecretBox.hash(token), UUID.randomUUID())).isTrue();
        assertThat(signUp("first-" + UUID.randomUUID() + "@example.org", token, "192.0.2.1").getStatus()).isEqualTo(HttpStatus.CREATED);
        assertQuotaExhausted(signUp("early-" + UUID.randomUUID() + "@example.org", token, "192.0.2.2"));

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertThat(signUp("second-" + UUID.randomUUID() + "@example.org", token, "192.0.2.3").getStatus()).isEqualTo(HttpStatus.CREATED);

        // the two finished sign-ups hold their uses however long the invitation service takes to count them
        clock.advance(Duration.ofMinutes(30));
        assertQuotaExhausted(signUp("late-" + UUID.randomUUID() + "@example.org", token, "192.0.2.4"));
    }

    private static void assertQuotaExhausted(EntityExchangeResult<JsonNode> result) {
        assertThat(result.getStatus().value()).as(String.valueOf(result.getResponseBody())).isEqualTo(410);
        assertThat(result.getResponseBody().get("code").asText()).isEqualTo("quota_exhausted");
    }

    private EntityExchangeResult<JsonNode> signUp(String email, String token, String client) {
        return web.mutate().responseTimeout(Duration.ofMinutes(2)).build()
                .post().uri("/api/v1/auth/sign-up").header("X-Forwarded-For", client).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD, "firstName", "New", "lastName", "Comer",
                        "invitationToken", token))
                .exchange().expectBody(JsonNode.class).returnResult();
    }
}
