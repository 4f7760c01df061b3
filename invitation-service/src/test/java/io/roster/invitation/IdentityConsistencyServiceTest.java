package io.roster.invitation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.kit.consistency.ConsistencyToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Issue 17 item 2 (B4): a command sent with the Consistency-Token of the identity command it follows waits for this
 * service's directory instead of answering 404 while identity's events are on their way.
 */
class IdentityConsistencyServiceTest extends AbstractServiceTest {

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "admin@consistency.test");

    @Test
    void anInvitationSentWithTheTokenOfTheOrganizationsCreationWaitsForItInsteadOfAnswering404() throws Exception {
        UUID org = UUID.randomUUID();
        // the organization's creation answered this token (its stream: created 0, its first admin added 1)
        String creation = ConsistencyToken.of(org.toString(), 1).encode();

        // the request first, the identity events after it: without the wait it meets an unknown organization
        CompletableFuture<EntityExchangeResult<JsonNode>> invited = CompletableFuture.supplyAsync(() -> invite(org, creation));
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Just Created"), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);

        EntityExchangeResult<JsonNode> answer = invited.get(30, TimeUnit.SECONDS);
        assertThat(answer.getStatus().value()).as("%s", answer.getResponseBody()).isEqualTo(201);

        // the invitation's own token sent back with the next command is this service's own: nothing to wait for
        String own = answer.getResponseHeaders().getFirst(ConsistencyToken.HEADER);
        long started = System.nanoTime();
        EntityExchangeResult<JsonNode> next = invite(org, own);
        assertThat(next.getStatus().value()).as("%s", next.getResponseBody()).isEqualTo(201);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for the service's own aggregates")
                .isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void withoutATokenAnUnknownOrganizationIs404SayingItMayStillBeArriving() {
        EntityExchangeResult<JsonNode> answer = invite(UUID.randomUUID(), null);
        assertThat(answer.getStatus().value()).isEqualTo(404);
        assertThat(answer.getResponseBody().path("detail").asText()).contains("may still be on its way here")
                .contains("Consistency-Token");
    }

    @Test
    void aTokenIsLookedAtOnlyForAnAuthenticatedCallerAndAMalformedOneIsRefused() {
        UUID org = UUID.randomUUID();
        String token = ConsistencyToken.of(org.toString(), 1).encode();
        long started = System.nanoTime();
        web.post().uri("/api/v1/organizations/{org}/invitations", org).header(ConsistencyToken.HEADER, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body()).exchange().expectStatus().isUnauthorized();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused before any wait").isLessThan(Duration.ofSeconds(3));

        // a token naming more aggregates than one identity command does is not waited for: no request costs hundreds of queries
        Map<String, Long> many = new java.util.HashMap<>();
        for (int i = 0; i < 21; i++) {
            many.put(UUID.randomUUID().toString(), 5L);
        }
        long manyStarted = System.nanoTime();
        assertThat(invite(org, new ConsistencyToken(many).encode()).getStatus().value()).isEqualTo(404);
        assertThat(Duration.ofNanos(System.nanoTime() - manyStarted)).as("21 aggregates: no wait").isLessThan(Duration.ofSeconds(3));

        web.post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> h.setBearerAuth(adminToken))
                .header(ConsistencyToken.HEADER, "not-a-token!").contentType(MediaType.APPLICATION_JSON).bodyValue(body())
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("malformed_request");
    }

    private EntityExchangeResult<JsonNode> invite(UUID org, String consistencyToken) {
        return web.post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> {
                    h.setBearerAuth(adminToken);
                    if (consistencyToken != null) {
                        h.set(ConsistencyToken.HEADER, consistencyToken);
                    }
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(body())
                .exchange().expectBody(JsonNode.class).returnResult();
    }

    private static Map<String, Object> body() {
        return Map.of("emails", List.of("invitee-" + UUID.randomUUID() + "@consistency.test"), "roles", List.of("member"));
    }
}
