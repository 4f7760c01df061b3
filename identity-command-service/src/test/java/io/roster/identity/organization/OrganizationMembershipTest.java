package io.roster.identity.organization;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.EventJson;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.idempotency.IdempotencyFilter;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Organizations, members, roles and teams over HTTP, with the rules' codes. */
class OrganizationMembershipTest extends IdentityHttpTest {

    private String orgPath(UUID organizationId) {
        return "/api/v1/organizations/" + organizationId;
    }

    @Test
    void anAdminRenamesAndOthersMayNot() {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Acme");
        TestUser member = createMember(organizationId, "member", "billing-manager");

        EntityExchangeResult<byte[]> renamed = patch(founder.token(), orgPath(organizationId), Map.of("name", " Acme Inc "))
                .expectStatus().isOk().expectBody().returnResult();
        assertThat(tokenOf(renamed)).containsOnlyKeys(organizationId.toString());
        assertThat(eventsOf(organizationId, OrganizationRenamed.class)).singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("Acme Inc"));
        problem(patch(member.token(), orgPath(organizationId), Map.of("name", "Mine")), HttpStatus.FORBIDDEN, "forbidden");
        problem(patch(founder.token(), orgPath(UUID.randomUUID()), Map.of("name", "Nowhere")), HttpStatus.NOT_FOUND, "not_found");
        problem(patch(founder.token(), "/api/v1/organizations/not-a-uuid", Map.of("name", "x")), HttpStatus.BAD_REQUEST, "malformed_request");
    }

    @Test
    void anAdminAddsExistingUsersByIdOrAddressWithRolesAndTeams() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Adders");
        UUID teamId = createTeam(admin, organizationId, "Red");
        TestUser byId = createUser("by-id", List.of());
        TestUser byEmail = createUser("by-email", List.of());

        EntityExchangeResult<byte[]> added = post(admin, orgPath(organizationId) + "/members",
                Map.of("userId", byId.userId().toString(), "roles", List.of("member", "admin", "member"), "teamIds", List.of(teamId.toString())))
                .expectStatus().isCreated().expectBody().returnResult();
        assertThat(tokenOf(added)).containsOnlyKeys(organizationId.toString());
        assertThat(added.getResponseHeaders().getLocation()).hasToString(orgPath(organizationId) + "/members/" + byId.userId());
        JsonNode membership = EventJson.tree(added.getResponseBody());
        assertThat(membership.get("roles").toString()).isEqualTo("[\"admin\",\"member\"]");
        post(admin, orgPath(organizationId) + "/members", Map.of("email", " " + byEmail.email().toUpperCase(), "roles", List.of("billing-manager")))
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.userId").isEqualTo(byEmail.userId().toString());

        assertThat(eventsOf(organizationId, MemberAdded.class)).extracting(MemberAdded::userId).contains(byId.userId(), byEmail.userId());
        problem(post(admin, orgPath(organizationId) + "/members", Map.of("userId", byId.userId().toString(), "roles", List.of("member"))),
                HttpStatus.CONFLICT, "already_member");
        problem(post(admin, orgPath(organizationId) + "/members", Map.of("email", uniqueEmail("nobody"), "roles", List.of("member"))),
                HttpStatus.NOT_FOUND, "not_found");
        problem(post(admin, orgPath(organizationId) + "/members", Map.of("userId", UUID.randomUUID().toString(), "roles", List.of("member"))),
                HttpStatus.NOT_FOUND, "not_found");
        TestUser third = createUser("third", List.of());
        problem(post(admin, orgPath(organizationId) + "/members", Map.of("userId", third.userId().toString(), "roles", List.of("owner"))),
                HttpStatus.BAD_REQUEST, "validation_failed");
        problem(post(admin, orgPath(organizationId) + "/members", Map.of("userId", third.userId().toString(), "email", third.email(),
                "roles", List.of("member"))), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(post(admin, orgPath(organizationId) + "/members", Map.of("userId", third.userId().toString(), "roles", List.of("member"),
                "teamIds", List.of(UUID.randomUUID().toString()))), HttpStatus.NOT_FOUND, "not_found");
        problem(post(byEmail.token(), orgPath(organizationId) + "/members", Map.of("userId", third.userId().toString(), "roles", List.of("member"))),
                HttpStatus.FORBIDDEN, "forbidden");
        problem(post(admin, orgPath(UUID.randomUUID()) + "/members", Map.of("userId", third.userId().toString(), "roles", List.of("member"))),
                HttpStatus.NOT_FOUND, "not_found");
    }

    @Test
    void manyMembersAreRemovedInOneCallWithOneBatchAndTheOthersReported() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Removals");
        List<TestUser> members = IntStream.range(0, 3).mapToObj(i -> createMember(organizationId, "member")).toList();
        UUID stranger = UUID.randomUUID();
        String ids = members.stream().map(m -> m.userId().toString()).collect(Collectors.joining(",")) + "," + stranger;

        EntityExchangeResult<byte[]> removed = delete(admin, orgPath(organizationId) + "/members/" + ids).expectStatus().isOk()
                .expectBody().returnResult();

        JsonNode answer = EventJson.tree(removed.getResponseBody());
        List<String> removedIds = new ArrayList<>();
        answer.get("removed").forEach(id -> removedIds.add(id.asText()));
        assertThat(removedIds).containsExactlyElementsOf(members.stream().map(m -> m.userId().toString()).toList());
        assertThat(answer.get("notMembers").get(0).asText()).isEqualTo(stranger.toString());
        List<MemberRemoved> events = eventsOf(organizationId, MemberRemoved.class);
        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.reason()).isEqualTo(RemovalReason.REMOVED));
        assertThat(events.stream().map(MemberRemoved::batchId).distinct()).singleElement().isNotNull();
        assertThat(tokenOf(removed).get(organizationId.toString())).isEqualTo(eventsOf(organizationId).size() - 1L);
    }

    @Test
    void aRemovalThatWouldTakeTheLastAdminRemovesNobody() {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Kept");
        TestUser member = createMember(organizationId, "member");

        problem(delete(adminToken(), orgPath(organizationId) + "/members/" + member.userId() + "," + founder.userId()),
                HttpStatus.CONFLICT, "last_admin");
        assertThat(eventsOf(organizationId, MemberRemoved.class)).isEmpty();
        problem(delete(member.token(), orgPath(organizationId) + "/members/" + founder.userId()), HttpStatus.FORBIDDEN, "forbidden");
        problem(delete(founder.token(), orgPath(organizationId) + "/members/" + member.userId() + ",nope"), HttpStatus.BAD_REQUEST,
                "validation_failed");
        String tooMany = IntStream.range(0, 101).mapToObj(i -> UUID.randomUUID().toString()).collect(Collectors.joining(","));
        problem(delete(founder.token(), orgPath(organizationId) + "/members/" + tooMany), HttpStatus.BAD_REQUEST, "validation_failed");
    }

    @Test
    void rolesChangeButTheLastAdminIsNeverDemoted() {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Roles");
        TestUser member = createMember(organizationId, "member");

        problem(put(founder.token(), orgPath(organizationId) + "/members/" + founder.userId() + "/roles", Map.of("roles", List.of("member"))),
                HttpStatus.CONFLICT, "last_admin");
        put(founder.token(), orgPath(organizationId) + "/members/" + member.userId() + "/roles", Map.of("roles", List.of("admin")))
                .expectStatus().isOk().expectHeader().exists("Consistency-Token")
                .expectBody().jsonPath("$.roles[0]").isEqualTo("admin");
        put(member.token(), orgPath(organizationId) + "/members/" + founder.userId() + "/roles", Map.of("roles", List.of("billing-manager")))
                .expectStatus().isOk();
        assertThat(eventsOf(organizationId, MemberRolesChanged.class)).extracting(MemberRolesChanged::roles)
                .containsExactly(List.of("admin"), List.of("billing-manager"));
        problem(put(founder.token(), orgPath(organizationId) + "/members/" + member.userId() + "/roles", Map.of("roles", List.of("member"))),
                HttpStatus.FORBIDDEN, "forbidden");
        problem(put(member.token(), orgPath(organizationId) + "/members/" + UUID.randomUUID() + "/roles", Map.of("roles", List.of("member"))),
                HttpStatus.NOT_FOUND, "not_found");
        problem(put(member.token(), orgPath(organizationId) + "/members/" + founder.userId() + "/roles", Map.of("roles", List.of())),
                HttpStatus.BAD_REQUEST, "validation_failed");
    }

    @Test
    void twoParallelDemotionsOfTheLastTwoAdminsLeaveOneAdmin() {
        String admin = adminToken();
        for (int round = 0; round < 3; round++) {
            TestUser first = createUser("first", List.of());
            UUID organizationId = createOrganization(first.token(), "Race " + round);
            TestUser second = createMember(organizationId, "admin");
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<Integer>> demotions = new ArrayList<>();
            for (TestUser target : List.of(first, second)) {
                demotions.add(CompletableFuture.supplyAsync(() -> {
                    awaitBarrier(start);
                    return put(admin, orgPath(organizationId) + "/members/" + target.userId() + "/roles", Map.of("roles", List.of("member")))
                            .expectBody().returnResult().getStatus().value();
                }));
            }

            assertThat(demotions.stream().map(CompletableFuture::join).toList()).containsExactlyInAnyOrder(200, 409);
            assertThat(eventsOf(organizationId, MemberRolesChanged.class)).hasSize(1);
            TestUser remainingAdmin = eventsOf(organizationId, MemberRolesChanged.class).get(0).userId().equals(first.userId()) ? second : first;
            problem(put(admin, orgPath(organizationId) + "/members/" + remainingAdmin.userId() + "/roles", Map.of("roles", List.of("member"))),
                    HttpStatus.CONFLICT, "last_admin");
        }
    }

    @Test
    void teamsAreCreatedRenamedAndSetWithNamesUniqueWithoutCase() {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Teams");
        UUID red = createTeam(founder.token(), organizationId, "Red");
        UUID blue = createTeam(founder.token(), organizationId, "Blue");
        TestUser member = createMember(organizationId, "member");

        problem(post(founder.token(), orgPath(organizationId) + "/teams", Map.of("name", " RED ")), HttpStatus.CONFLICT, "team_name_taken");
        problem(patch(founder.token(), orgPath(organizationId) + "/teams/" + blue, Map.of("name", "red")), HttpStatus.CONFLICT, "team_name_taken");
        patch(founder.token(), orgPath(organizationId) + "/teams/" + blue, Map.of("name", "Navy", "description", "the blue ones"))
                .expectStatus().isOk();
        assertThat(eventsOf(organizationId, TeamRenamed.class)).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("Navy");
            assertThat(e.description()).isEqualTo("the blue ones");
        });
        put(founder.token(), orgPath(organizationId) + "/members/" + member.userId() + "/teams",
                Map.of("teamIds", List.of(red.toString(), blue.toString())))
                .expectStatus().isOk().expectBody().jsonPath("$.teamIds.length()").isEqualTo(2);
        problem(put(founder.token(), orgPath(organizationId) + "/members/" + member.userId() + "/teams",
                Map.of("teamIds", List.of(UUID.randomUUID().toString()))), HttpStatus.NOT_FOUND, "not_found");
        problem(post(member.token(), orgPath(organizationId) + "/teams", Map.of("name", "Mine")), HttpStatus.FORBIDDEN, "forbidden");
        problem(post(founder.token(), orgPath(organizationId) + "/teams", Map.of("name", " ")), HttpStatus.BAD_REQUEST, "validation_failed");

        delete(founder.token(), orgPath(organizationId) + "/teams/" + red).expectStatus().isNoContent()
                .expectHeader().exists("Consistency-Token");

        List<Object> tail = new ArrayList<>(eventsOf(organizationId));
        List<Object> lastTwo = tail.subList(tail.size() - 2, tail.size());
        assertThat(lastTwo.get(0)).isInstanceOfSatisfying(MemberTeamsChanged.class, e -> {
            assertThat(e.userId()).isEqualTo(member.userId());
            assertThat(e.teamIds()).containsExactly(blue);
        });
        assertThat(lastTwo.get(1)).isInstanceOfSatisfying(TeamDeleted.class, e -> assertThat(e.teamId()).isEqualTo(red));
        problem(delete(founder.token(), orgPath(organizationId) + "/teams/" + red), HttpStatus.NOT_FOUND, "not_found");
        // the name is free again
        createTeam(founder.token(), organizationId, "red");
    }

    @Test
    void membersLeaveButTheLastAdminStays() {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Leavers");
        TestUser member = createMember(organizationId, "member");

        problem(post(founder.token(), orgPath(organizationId) + "/leave", Map.of()), HttpStatus.CONFLICT, "last_admin");
        post(member.token(), orgPath(organizationId) + "/leave", Map.of()).expectStatus().isOk().expectHeader().exists("Consistency-Token");
        assertThat(eventsOf(organizationId, MemberRemoved.class)).singleElement().satisfies(e -> {
            assertThat(e.userId()).isEqualTo(member.userId());
            assertThat(e.reason()).isEqualTo(RemovalReason.LEFT);
        });
        problem(post(member.token(), orgPath(organizationId) + "/leave", Map.of()), HttpStatus.NOT_FOUND, "not_found");
    }

    @Test
    void aRetriedAddWithTheSameIdempotencyKeyAddsOnceAndAnswersTheSame() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Idempotent");
        TestUser user = createUser("retry", List.of());
        String key = "add-" + user.userId();
        Map<String, Object> request = Map.of("userId", user.userId().toString(), "roles", List.of("member"));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            statuses.add(web.post().uri(orgPath(organizationId) + "/members").headers(h -> {
                h.setBearerAuth(admin);
                h.set(IdempotencyFilter.HEADER, key);
            }).contentType(MediaType.APPLICATION_JSON).bodyValue(request).exchange().expectBody().returnResult().getStatus().value());
        }

        assertThat(statuses).containsExactly(201, 201);
        assertThat(eventsOf(organizationId, MemberAdded.class)).filteredOn(e -> e.userId().equals(user.userId())).hasSize(1);
    }

    private UUID createTeam(String token, UUID organizationId, String name) {
        return UUID.fromString(body(post(token, orgPath(organizationId) + "/teams", Map.of("name", name)).expectStatus().isCreated()
                .expectHeader().exists("Consistency-Token")).get("teamId").asText());
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
