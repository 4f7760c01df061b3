package io.roster.query.team;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.kit.web.PageRequest;
import io.roster.query.AbstractServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /organizations/{id}/teams} and {@code GET /users/{id}/memberships} over HTTP, fed through Kafka. */
class TeamAndMembershipQueryServiceTest extends AbstractServiceTest {

    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();

    @Test
    void teamsComeInNameOrderPagedWithTheirMemberCounts() {
        UUID ops = UUID.randomUUID();
        UUID billing = UUID.randomUUID();
        UUID core = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        String token = publish(log.organizationCreated(org, "Acme"), log.teamCreated(org, ops, "ops"),
                log.teamCreated(org, billing, "Billing"), log.teamCreated(org, core, "Core"),
                log.memberAdded(org, admin, List.of("admin"), ops, core), log.memberAdded(org, bob, List.of("member"), core),
                log.teamRenamed(org, ops, "Operations"));

        JsonNode first = body(get(tokenOf(admin), token, "/api/v1/organizations/{id}/teams?limit=2", org));
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.get("items").get(0).toString()).isEqualTo(
                "{\"teamId\":\"" + billing + "\",\"name\":\"Billing\",\"description\":\"Billing team\",\"memberCount\":0}");
        assertThat(first.get("items").get(1).get("name").asText()).isEqualTo("Core");
        assertThat(first.get("items").get(1).get("memberCount").asLong()).isEqualTo(2);

        JsonNode second = body(get(tokenOf(admin), token, "/api/v1/organizations/{id}/teams?limit=2&cursor="
                + first.get("nextCursor").asText(), org));
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("items").get(0).get("name").asText()).isEqualTo("Operations");
        assertThat(second.get("items").get(0).get("memberCount").asLong()).isEqualTo(1);
        assertThat(second.get("nextCursor").isNull()).isTrue();

        token = publish(log.memberRemoved(org, bob), log.teamDeleted(org, billing));
        get(tokenOf(admin), token, "/api/v1/organizations/{id}/teams", org)
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[*].name").isEqualTo(List.of("Core", "Operations"))
                .jsonPath("$.items[0].memberCount").isEqualTo(1);
    }

    @Test
    void teamsAreForMembersAndProviderAdminsOnly() {
        String token = publish(log.organizationCreated(org, "Acme"), log.memberAdded(org, admin, List.of("admin")));
        get(tokenOf(UUID.randomUUID()), token, "/api/v1/organizations/{id}/teams", org)
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        get(providerAdminToken(), token, "/api/v1/organizations/{id}/teams", org).expectStatus().isOk();
        for (String query : List.of("limit=0", "cursor=@@", "cursor=" + PageRequest.encode("core\nnot-a-uuid"))) {
            get(tokenOf(admin), null, "/api/v1/organizations/{id}/teams?" + query, org)
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed");
        }
    }

    @Test
    void aUserReadsTheirOwnMembershipsAndProviderAdminsAnyones() {
        UUID team = UUID.randomUUID();
        UUID globex = UUID.randomUUID();
        UUID initech = UUID.randomUUID();
        UUID left = UUID.randomUUID();
        publish(log.organizationCreated(org, "Acme"), log.teamCreated(org, team, "Platform"),
                log.memberAdded(org, admin, List.of("admin", "billing-manager"), team));
        publish(log.organizationCreated(globex, "Globex"), log.memberAdded(globex, admin, List.of("member")),
                log.next(new OrganizationRenamed(UUID.randomUUID(), Instant.now(), globex, admin, "Globex Corp")));
        publish(log.organizationCreated(initech, "Initech"), log.memberAdded(initech, admin, List.of("member")));
        String token = publish(log.organizationCreated(left, "Left"), log.memberAdded(left, admin, List.of("admin")),
                log.memberRemoved(left, admin));

        String uri = "/api/v1/users/{id}/memberships?limit=2";
        JsonNode first = body(get(tokenOf(admin), token, uri, admin));
        JsonNode second = body(get(tokenOf(admin), token, uri + "&cursor=" + first.get("nextCursor").asText(), admin));
        assertThat(second.get("nextCursor").isNull()).isTrue();
        List<JsonNode> items = new ArrayList<>();
        first.get("items").forEach(items::add);
        second.get("items").forEach(items::add);

        // in the order of the ids' text, which is the cursor's order
        assertThat(items).extracting(item -> item.get("organizationId").asText())
                .containsExactlyElementsOf(List.of(org, globex, initech).stream().map(UUID::toString).sorted().toList());
        assertThat(items).extracting(item -> item.get("organizationName").asText())
                .containsExactlyInAnyOrder("Acme", "Globex Corp", "Initech");
        JsonNode acme = items.stream().filter(item -> item.get("organizationName").asText().equals("Acme")).findFirst().orElseThrow();
        assertThat(acme.get("roles").toString()).isEqualTo("[\"admin\",\"billing-manager\"]");
        assertThat(acme.get("teams").toString()).isEqualTo("[{\"teamId\":\"" + team + "\",\"name\":\"Platform\"}]");
        assertThat(acme.get("joinedAt").asText()).isNotBlank();

        get(tokenOf(UUID.randomUUID()), token, "/api/v1/users/{id}/memberships", admin)
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        get(providerAdminToken(), token, "/api/v1/users/{id}/memberships", admin)
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(3);
        get(tokenOf(admin), null, "/api/v1/users/{id}/memberships?cursor=" + PageRequest.encode("nope"), admin)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed");
    }

    private static JsonNode body(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
