package io.roster.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V5 swept over identity's endpoints that name a user or an organization (PRODUCT.md §3a "Authorization is checked
 * before any lookup"), as the attacker probing ids: a caller who may not do something gets one answer whether what
 * they name exists or not. The same status, the same code and the same body apart from {@code instance} (the path the
 * attacker wrote) and the id itself. Outside an organization, the answer is {@code not_found} whether it exists or not
 * (the one organization access rule of every service); inside it without the admin role, {@code forbidden}.
 */
class AuthorizationBeforeLookupTest extends IdentityHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request an attacker sends, with {@code {target}} in its path standing for the id they probe. */
    private record Probe(HttpMethod method, String path, Object body) {
    }

    @Test
    void aUserWhoIsNeitherTheTargetNorAProviderAdminCannotTellAnExistingUserFromAnUnknownOne() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Probed Users");
        TestUser attacker = createMember(organization, "member");
        TestUser target = createMember(organization, "member");

        for (Probe probe : List.of(
                new Probe(HttpMethod.PATCH, "/api/v1/users/{target}", Map.of("firstName", "Pwned")),
                new Probe(HttpMethod.DELETE, "/api/v1/users/{target}", null),
                new Probe(HttpMethod.PUT, "/api/v1/users/{target}/provider-roles", Map.of("providerRoles", List.of("provider-admin"))),
                new Probe(HttpMethod.POST, "/api/v1/users/{target}/account-setup", null))) {
            assertSameAnswer(attacker, probe, target.userId(), HttpStatus.FORBIDDEN, "forbidden");
        }
    }

    @Test
    void someoneOutsideAnOrganizationCannotTellItFromOneThatDoesNotExistNorAMemberWithoutTheAdminRoleOneMemberOrTeamFromAnother() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Probed");
        TestUser member = createMember(organization, "member");
        UUID team = UUID.fromString(body(post(admin, "/api/v1/organizations/" + organization + "/teams", Map.of("name", "Red"))
                .expectStatus().isCreated()).get("teamId").asText());
        TestUser outsider = createUser("outsider", List.of());
        String tomorrow = java.time.Instant.now().plus(1, java.time.temporal.ChronoUnit.DAYS).toString();

        String org = "/api/v1/organizations/{target}";
        for (Probe probe : List.of(
                new Probe(HttpMethod.PATCH, org, Map.of("name", "Pwned")),
                new Probe(HttpMethod.POST, org + "/leave", null),
                new Probe(HttpMethod.POST, org + "/members", Map.of("userId", member.userId().toString(), "roles", List.of("admin"))),
                new Probe(HttpMethod.POST, org + "/members", Map.of("email", member.email(), "roles", List.of("admin"))),
                new Probe(HttpMethod.DELETE, org + "/members/" + member.userId(), null),
                new Probe(HttpMethod.PUT, org + "/members/" + member.userId() + "/roles", Map.of("roles", List.of("admin"))),
                new Probe(HttpMethod.PUT, org + "/members/" + member.userId() + "/teams", Map.of("teamIds", List.of(team.toString()))),
                new Probe(HttpMethod.PUT, org + "/members/" + member.userId() + "/expiry", Map.of("expiresAt", tomorrow)),
                new Probe(HttpMethod.POST, org + "/members", Map.of("userId", member.userId().toString(), "roles", List.of("member"),
                        "expiresAt", tomorrow)),
                new Probe(HttpMethod.POST, org + "/teams", Map.of("name", "Blue")),
                new Probe(HttpMethod.PATCH, org + "/teams/" + team, Map.of("name", "Pwned")),
                new Probe(HttpMethod.DELETE, org + "/teams/" + team, null))) {
            assertSameAnswer(outsider, probe, organization, HttpStatus.NOT_FOUND, "not_found");
        }
        assertSameAnswer(outsider, new Probe(HttpMethod.POST, "/api/v1/users", Map.of("firstName", "Eve", "lastName", "E",
                "email", uniqueEmail("eve"), "memberships", List.of(Map.of("organizationId", "{target}", "roles", List.of("member"))))),
                organization, HttpStatus.NOT_FOUND, "not_found");

        // a member without the admin role, probing the organization's members and teams
        String ofOrganization = "/api/v1/organizations/" + organization;
        TestUser colleague = createMember(organization, "member");
        for (Probe probe : List.of(
                new Probe(HttpMethod.DELETE, ofOrganization + "/members/{target}", null),
                new Probe(HttpMethod.PUT, ofOrganization + "/members/{target}/roles", Map.of("roles", List.of("admin"))),
                new Probe(HttpMethod.PUT, ofOrganization + "/members/{target}/teams", Map.of("teamIds", List.of(team.toString()))),
                new Probe(HttpMethod.PUT, ofOrganization + "/members/{target}/expiry", Map.of("expiresAt", tomorrow)),
                new Probe(HttpMethod.POST, ofOrganization + "/members", Map.of("userId", "{target}", "roles", List.of("member"))))) {
            assertSameAnswer(member, probe, colleague.userId(), HttpStatus.FORBIDDEN, "forbidden");
        }
        for (Probe probe : List.of(
                new Probe(HttpMethod.PATCH, ofOrganization + "/teams/{target}", Map.of("name", "Pwned")),
                new Probe(HttpMethod.DELETE, ofOrganization + "/teams/{target}", null))) {
            assertSameAnswer(member, probe, team, HttpStatus.FORBIDDEN, "forbidden");
        }
    }

    /** Sends the probe naming the existing target and naming an id nobody has; both answers must be the same refusal. */
    private void assertSameAnswer(TestUser attacker, Probe probe, UUID existing, HttpStatus status, String code) {
        UUID unknown = UUID.randomUUID();
        EntityExchangeResult<String> forExisting = send(attacker, probe, existing);
        EntityExchangeResult<String> forUnknown = send(attacker, probe, unknown);
        String what = probe.method() + " " + probe.path();
        assertThat(forExisting.getStatus()).as(what + " naming an existing target: " + forExisting.getResponseBody()).isEqualTo(status);
        assertThat(forUnknown.getStatus()).as(what + " naming an unknown target: " + forUnknown.getResponseBody()).isEqualTo(status);
        ObjectNode existingAnswer = comparable(forExisting.getResponseBody(), existing);
        assertThat(existingAnswer.get("code").asText()).as(what).isEqualTo(code);
        assertThat(comparable(forUnknown.getResponseBody(), unknown)).as(what).isEqualTo(existingAnswer);
    }

    private EntityExchangeResult<String> send(TestUser attacker, Probe probe, UUID target) {
        WebTestClient.RequestBodySpec request = web.method(probe.method()).uri(probe.path().replace("{target}", target.toString()))
                .headers(h -> h.setBearerAuth(attacker.token()));
        WebTestClient.RequestHeadersSpec<?> ready = probe.body() == null ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(withTarget(probe.body(), target));
        return ready.exchange().expectBody(String.class).returnResult();
    }

    private static Object withTarget(Object body, UUID target) {
        try {
            return JSON.readTree(JSON.writeValueAsString(body).replace("{target}", target.toString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The problem without what differs by construction: the path the attacker wrote, and the id they named. */
    private static ObjectNode comparable(String problem, UUID target) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(problem.replace(target.toString(), "{target}"));
            node.remove("instance");
            return node;
        } catch (Exception e) {
            throw new IllegalStateException(problem, e);
        }
    }
}
