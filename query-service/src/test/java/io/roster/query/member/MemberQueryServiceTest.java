package io.roster.query.member;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.kit.web.PageRequest;
import io.roster.query.AbstractServiceTest;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/organizations/{id}/members} over HTTP, fed through Kafka. */
class MemberQueryServiceTest extends AbstractServiceTest {

    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID platform = UUID.randomUUID();
    private String reader;
    private String consistency;

    @BeforeEach
    void organization() {
        reader = tokenOf(admin);
        consistency = publish(log.organizationCreated(org, "Acme"), log.teamCreated(org, platform, "Platform"));
        join(admin, "Ada", "Admin", "ada@example.io", "admin", platform);
    }

    @Test
    void aMemberRowCarriesTheProfileRolesTeamsAndStatus() {
        get(reader, consistency, "/api/v1/organizations/{id}/members", org)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].userId").isEqualTo(admin.toString())
                .jsonPath("$.items[0].email").isEqualTo("ada@example.io")
                .jsonPath("$.items[0].firstName").isEqualTo("Ada")
                .jsonPath("$.items[0].lastName").isEqualTo("Admin")
                .jsonPath("$.items[0].roles[0]").isEqualTo("admin")
                .jsonPath("$.items[0].teams[0].teamId").isEqualTo(platform.toString())
                .jsonPath("$.items[0].teams[0].name").isEqualTo("Platform")
                .jsonPath("$.items[0].status").isEqualTo("active")
                .jsonPath("$.items[0].joinedAt").isNotEmpty()
                .jsonPath("$.items[0].searchTerms").doesNotExist()
                .jsonPath("$.nextCursor").isEmpty();
    }

    @Test
    void eachFilterNarrowsTheList() {
        join(UUID.randomUUID(), "Anders", "Berg", "anders@example.io", "member");
        join(UUID.randomUUID(), "Joan", "Annand", "Joan@Example.io", "billing-manager", platform);
        join(UUID.randomUUID(), "Bob", "Stone", "bob@example.io", "member");
        String members = "/api/v1/organizations/{id}/members";

        assertThat(emails(members + "?q=AN", org)).containsExactly("anders@example.io", "Joan@Example.io");
        assertThat(emails(members + "?q=bob@", org)).containsExactly("bob@example.io");
        assertThat(emails(members + "?q=joan annand", org)).containsExactly("Joan@Example.io");
        assertThat(emails(members + "?role=member", org)).containsExactly("anders@example.io", "bob@example.io");
        assertThat(emails(members + "?teamId=" + platform, org)).containsExactly("ada@example.io", "Joan@Example.io");
        assertThat(emails(members + "?status=active&role=billing-manager", org)).containsExactly("Joan@Example.io");
        assertThat(emails(members + "?status=pending", org)).isEmpty();
        assertThat(emails(members + "?q=a.*", org)).isEmpty();
    }

    @Test
    void theRowIsTheSameWhetherTheProfileOrTheMembershipCameFirst() {
        UUID user = UUID.randomUUID();
        UUID otherOrg = UUID.randomUUID();
        publish(log.organizationCreated(otherOrg, "Globex"), log.memberAdded(otherOrg, admin, List.of("admin")));
        // Acme: the membership first, then the profile; Globex: the profile first, then the membership
        String token = publish(log.memberAdded(org, user, List.of("member"), platform));
        get(reader, token, "/api/v1/organizations/{id}/members?q=zed", org).expectStatus().isOk();
        token = publish(log.userRegistered(user, "zed@example.io", "Zed", "Old"), log.profileUpdated(user, "Zed", "Zulu"));
        get(reader, token, "/api/v1/organizations/{id}/members", org).expectStatus().isOk();
        token = publish(log.teamCreated(otherOrg, platform, "Platform"), log.memberAdded(otherOrg, user, List.of("member"), platform));

        JsonNode acme = onlyItem(get(reader, token, "/api/v1/organizations/{id}/members?q=zed", org));
        JsonNode globex = onlyItem(get(reader, token, "/api/v1/organizations/{id}/members?q=zed", otherOrg));
        ((ObjectNode) acme).remove("joinedAt");
        ((ObjectNode) globex).remove("joinedAt");
        assertThat(acme).isEqualTo(globex);
        assertThat(acme.get("email").asText()).isEqualTo("zed@example.io");
        assertThat(acme.get("lastName").asText()).isEqualTo("Zulu");
        assertThat(acme.get("teams").get(0).get("name").asText()).isEqualTo("Platform");
    }

    @Test
    void teamRenamesShowInTheRowsAndADeletedTeamLeavesThem() {
        String token = publish(log.teamRenamed(org, platform, "Core"));
        get(reader, token, "/api/v1/organizations/{id}/members", org).expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].teams[0].name").isEqualTo("Core");

        token = publish(log.teamDeleted(org, platform));
        get(reader, token, "/api/v1/organizations/{id}/members", org).expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].teams.length()").isEqualTo(0);
        get(reader, token, "/api/v1/organizations/{id}/members?teamId=" + platform, org).expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    /**
     * Walks the list two by two while members join and leave on both sides of the cursor: every member
     * present from start to end is seen exactly once, nobody twice, and a newcomer after the cursor shows.
     */
    @Test
    void pagesNeverSkipOrRepeatARowWhileMembersComeAndGo() {
        List<UUID> initial = new ArrayList<>();
        for (char c = 'b'; c <= 'k'; c += 1) {
            UUID user = UUID.randomUUID();
            initial.add(user);
            join(user, "M", String.valueOf(c), c + "@example.io", "member");
        }
        String members = "/api/v1/organizations/{id}/members?role=member&limit=2";
        List<String> seen = new ArrayList<>();
        Set<String> removedAhead = new HashSet<>();
        String newcomerAhead = null;
        String cursor = null;
        int page = 0;
        do {
            JsonNode body = body(get(reader, consistency, members + (cursor == null ? "" : "&cursor=" + cursor), org));
            body.get("items").forEach(item -> seen.add(item.get("email").asText()));
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
            page += 1;
            if (page == 1) {
                // before the cursor: someone seen leaves, and someone joins who sorts first
                consistency = publish(log.memberRemoved(org, initial.get(0)));
                join(UUID.randomUUID(), "A", "A", "a@example.io", "member");
                // ahead of it: someone leaves before being seen, someone new joins
                consistency = publish(log.memberRemoved(org, initial.get(6)));
                removedAhead.add("h@example.io");
                newcomerAhead = "ha@example.io";
                join(UUID.randomUUID(), "H", "A", newcomerAhead, "member");
            }
        } while (cursor != null);

        assertThat(seen).doesNotHaveDuplicates()
                .contains("b@example.io", "c@example.io", "d@example.io", "e@example.io", "f@example.io", "g@example.io",
                        "i@example.io", "j@example.io", "k@example.io", newcomerAhead)
                .doesNotContain("a@example.io")
                .doesNotContainAnyElementsOf(removedAhead)
                .isSorted();
        assertThat(page).isEqualTo(5);
    }

    @Test
    void aReplayedOrRedeliveredEventChangesNothing() {
        UUID user = UUID.randomUUID();
        EventEnvelope registered = log.userRegistered(user, "rae@example.io", "Rae", "First");
        EventEnvelope added = log.memberAdded(org, user, List.of("admin"));
        publish(registered, added, log.profileUpdated(user, "Rae", "Second"), log.rolesChanged(org, user, List.of("member")));
        // the first events again, as a redelivery or a replay from offset zero brings them, then a new event
        // on each aggregate that touches neither names nor roles, so that waiting for it proves the old ones were read
        String token = publish(registered, added,
                log.next(new ProviderRolesChanged(UUID.randomUUID(), Instant.now(), null, admin, user, List.of())),
                log.teamsChanged(org, user, platform));

        JsonNode row = onlyItem(get(reader, token, "/api/v1/organizations/{id}/members?q=rae", org));
        assertThat(row.get("lastName").asText()).isEqualTo("Second");
        assertThat(row.get("roles").toString()).isEqualTo("[\"member\"]");
        assertThat(row.get("teams").get(0).get("teamId").asText()).isEqualTo(platform.toString());
    }

    @Test
    void onlyMembersAndProviderAdminsReadTheList() {
        get(tokenOf(UUID.randomUUID()), consistency, "/api/v1/organizations/{id}/members", org)
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("not_found");
        get(providerAdminToken(), consistency, "/api/v1/organizations/{id}/members", org)
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1);
        get(providerAdminToken(), null, "/api/v1/organizations/{id}/members", UUID.randomUUID())
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        web.get().uri("/api/v1/organizations/{id}/members", org).exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
    }

    @Test
    void badParametersAreAllNamedInOneProblem() {
        get(reader, null, "/api/v1/organizations/{id}/members?role=owner&status=gone&teamId=team-1&limit=0&cursor=@@", org)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[*].field").value(Matchers.containsInAnyOrder("limit", "cursor", "role", "teamId", "status"));
        for (String query : List.of("limit=abc", "limit=201", "limit=-1", "q=" + "x".repeat(101),
                "cursor=" + PageRequest.encode("no separator"), "cursor=" + PageRequest.encode("a@x.io\n" + UUID.randomUUID() + ":x"))) {
            get(reader, null, "/api/v1/organizations/{id}/members?" + query, org)
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.code").isEqualTo("validation_failed");
        }
        get(reader, null, "/api/v1/organizations/not-a-uuid/members")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("malformed_request");
    }

    private void join(UUID user, String firstName, String lastName, String email, String role, UUID... teams) {
        consistency = publish(log.userRegistered(user, email, firstName, lastName), log.memberAdded(org, user, List.of(role), teams));
    }

    private List<String> emails(String uri, Object... variables) {
        JsonNode body = body(get(reader, consistency, uri, variables));
        return StreamSupport.stream(body.get("items").spliterator(), false).map(item -> item.get("email").asText()).toList();
    }

    private static JsonNode onlyItem(WebTestClient.ResponseSpec response) {
        JsonNode items = body(response).get("items");
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static JsonNode body(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
