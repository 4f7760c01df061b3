package io.roster.identity.membership;

import io.roster.identity.IdentityHttpTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity service with {@code roster.membership.single-organization=true} and sign-up closed: the
 * second (and last) Spring context of the module's tests.
 */
@TestPropertySource(properties = {"roster.membership.single-organization=true", "roster.identity.open-sign-up=false"})
class SingleOrganizationPolicyTest extends IdentityHttpTest {

    private static Map<String, Object> membership(UUID organizationId, String... roles) {
        return Map.of("organizationId", organizationId.toString(), "roles", List.of(roles));
    }

    @Test
    void aMemberOfOneOrganizationCannotJoinAnotherUntilTheyLeave() {
        String admin = adminToken();
        UUID first = createOrganization(admin, "First");
        UUID second = createOrganization(admin, "Second");
        TestUser user = createMember(first, "member");
        Map<String, Object> join = Map.of("userId", user.userId().toString(), "roles", List.of("member"));

        problem(post(admin, "/api/v1/organizations/" + second + "/members", join), HttpStatus.CONFLICT, "user_in_other_organization");
        problem(post(admin, "/api/v1/organizations/" + first + "/members", join), HttpStatus.CONFLICT, "already_member");

        post(user.token(), "/api/v1/organizations/" + first + "/leave", Map.of()).expectStatus().isOk();
        post(admin, "/api/v1/organizations/" + second + "/members", join).expectStatus().isCreated();
        problem(post(admin, "/api/v1/organizations/" + first + "/members", join), HttpStatus.CONFLICT, "user_in_other_organization");
    }

    @Test
    void twoParallelJoinsOfDifferentOrganizationsLetExactlyOneIn() throws Exception {
        String admin = adminToken();
        for (int round = 0; round < 3; round++) {
            UUID first = createOrganization(admin, "A" + round);
            UUID second = createOrganization(admin, "B" + round);
            TestUser user = createUser("racer", List.of());
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<Integer>> joins = new ArrayList<>();
            for (UUID organizationId : List.of(first, second)) {
                joins.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return post(admin, "/api/v1/organizations/" + organizationId + "/members",
                            Map.of("userId", user.userId().toString(), "roles", List.of("member")))
                            .expectBody().returnResult().getStatus().value();
                }));
            }
            assertThat(joins.stream().map(CompletableFuture::join).toList()).containsExactlyInAnyOrder(201, 409);
        }
    }

    @Test
    void aRefusedJoinGivesTheClaimBack() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Teams only");
        TestUser user = createUser("claimer", List.of());
        problem(post(admin, "/api/v1/organizations/" + organizationId + "/members", Map.of("userId", user.userId().toString(),
                "roles", List.of("member"), "teamIds", List.of(UUID.randomUUID().toString()))), HttpStatus.NOT_FOUND, "not_found");
        UUID other = createOrganization(admin, "Other");
        post(admin, "/api/v1/organizations/" + other + "/members", Map.of("userId", user.userId().toString(), "roles", List.of("member")))
                .expectStatus().isCreated();
    }

    @Test
    void aMemberWhoIsNoProviderAdminCannotCreateASecondOrganization() {
        UUID organizationId = createOrganization(adminToken(), "Home");
        TestUser member = createMember(organizationId, "admin");
        problem(post(member.token(), "/api/v1/organizations", Map.of("name", "Elsewhere")), HttpStatus.CONFLICT, "user_in_other_organization");
        TestUser loner = createUser("loner", List.of());
        createOrganization(loner.token(), "Loner's");
        problem(post(loner.token(), "/api/v1/organizations", Map.of("name", "Second")), HttpStatus.CONFLICT, "user_in_other_organization");
        // provider admins run the platform: they may found many
        createOrganization(adminToken(), "Another one");
    }

    @Test
    void aNewUserStartsInOneOrganizationAtMost() {
        String admin = adminToken();
        UUID first = createOrganization(admin, "One");
        UUID second = createOrganization(admin, "Two");
        problem(post(admin, "/api/v1/users", Map.of("firstName", "N", "lastName", "U", "email", uniqueEmail("newbie"),
                "memberships", List.of(membership(first, "member"), membership(second, "member")))), HttpStatus.BAD_REQUEST, "validation_failed");
    }

    @Test
    void signingUpNeedsAnInvitation() {
        problem(web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", uniqueEmail("walk-in"), "password", PASSWORD, "firstName", "W", "lastName", "I")).exchange(),
                HttpStatus.FORBIDDEN, "invitation_required");
    }
}
