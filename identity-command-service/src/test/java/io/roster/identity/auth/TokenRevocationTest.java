package io.roster.identity.auth;

import io.roster.identity.IdentityHttpTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V3 as the attack: a token outlives what should end it. The identity service's own revocation consumer (service-kit,
 * a group of this context's own) reads the events from Kafka; the old token is refused within 5 s, a new one works.
 */
@TestPropertySource(properties = "roster.auth.revocations.consumer-group=identity-revocations-test-${random.uuid}")
class TokenRevocationTest extends IdentityHttpTest {

    private static final Duration BUDGET = Duration.ofSeconds(5);

    @Test
    void aDeletedAccountsTokenNoLongerCreatesAnOrganization() {
        TestUser user = createUser("gone", List.of());
        // the token counts (an organization the user created would make them its last admin, and the deletion a 409)
        problem(post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", "not the password", "newPassword", "whatever it is")),
                HttpStatus.UNAUTHORIZED, "invalid_credentials");

        delete(adminToken(), "/api/v1/users/" + user.userId()).expectStatus().is2xxSuccessful();

        Awaitility.await().atMost(BUDGET).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                problem(post(user.token(), "/api/v1/organizations", Map.of("name", "After Deletion")),
                        HttpStatus.UNAUTHORIZED, "unauthenticated"));
    }

    @Test
    void aTokenIssuedBeforeAPasswordChangeIsRefusedAndANewOneWorks() {
        TestUser user = createUser("changer", List.of());
        post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", "a brand new passphrase"))
                .expectStatus().isNoContent();
        String fresh = login(user.email(), "a brand new passphrase");

        Awaitility.await().atMost(BUDGET).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                problem(post(user.token(), "/api/v1/organizations", Map.of("name", "Old Session")),
                        HttpStatus.UNAUTHORIZED, "unauthenticated"));
        // issued in the same second as the change, after it: the millisecond claim keeps it valid
        assertThat(createOrganization(fresh, "New Session")).isNotNull();
    }

    @Test
    void aFormerProviderAdminsTokenNoLongerCreatesAProviderAdmin() {
        TestUser user = createUser("demoted", List.of());
        String path = "/api/v1/users/" + user.userId() + "/provider-roles";
        put(adminToken(), path, Map.of("providerRoles", List.of("provider-admin"))).expectStatus().isOk();
        String promoted = login(user.email(), PASSWORD);
        // a role added ends nothing: the token from before the promotion still counts (with no provider role in it)
        createOrganization(user.token(), "Still Here");

        put(adminToken(), path, Map.of("providerRoles", List.of())).expectStatus().isOk();

        Awaitility.await().atMost(BUDGET).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                problem(post(promoted, "/api/v1/users", Map.of("firstName", "Eve", "lastName", "E", "email", uniqueEmail("eve"),
                        "password", PASSWORD, "providerRoles", List.of("provider-admin"), "memberships", List.of())),
                        HttpStatus.UNAUTHORIZED, "unauthenticated"));
        createOrganization(user.token(), "Token Without Provider Roles");
        createOrganization(login(user.email(), PASSWORD), "Fresh Token");
    }
}
