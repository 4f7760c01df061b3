package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 V3 end to end, as the attack: a token outlives what should end it. The four services run as processes; each
 * learns of a deletion, a password change or a removed provider role from the identity events alone, and refuses the
 * old token with 401 {@code unauthenticated} within 5 s of the answer that ended it.
 *
 * <p>It runs on the {@link SharedStack} (data folder {@code local-stack/target/shared-stack-data}, kept with the services'
 * logs).
 */
@TimedFault
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRevocationEndToEndIT {

    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String NOTIFICATION = "http://127.0.0.1:" + PORTS.notification();
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration BUDGET = Duration.ofSeconds(5);

    private final StackHttp http = new StackHttp();

    private LocalStackConfig config;
    private RunningStack stack;
    private String admin;
    private String organizationId;

    @BeforeAll
    void startTheStack() throws Exception {
        stack = SharedStack.stack();
        config = stack.config();
        admin = http.login(IDENTITY, config.adminEmail(), config.adminPassword());
        organizationId = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", admin, Map.of("name", "Revocation Co")),
                "organizationId");
    }

    @Test
    void aDeletedAccountsTokenIsRefusedByEveryService() throws Exception {
        String email = address("gone");
        String userId = createUser(email, List.of());
        String token = token(email, PASSWORD);
        assertAcceptedEverywhere(userId, token);

        HttpResponse<String> deleted = http.delete(IDENTITY + "/api/v1/users/" + userId, admin);
        assertThat(deleted.statusCode()).as(describe(deleted)).isBetween(200, 299);

        assertRefusedEverywhereWithin5s(userId, token);
    }

    @Test
    void aTokenFromBeforeAPasswordChangeIsRefusedByEveryServiceAndTheNewOneWorks() throws Exception {
        String email = address("changer");
        String userId = createUser(email, List.of());
        String old = token(email, PASSWORD);
        assertAcceptedEverywhere(userId, old);

        String newPassword = "a fresh and longer passphrase";
        StackHttp.expect(204, http.postAsJson(IDENTITY + "/api/v1/auth/password", old,
                Map.of("currentPassword", PASSWORD, "newPassword", newPassword)));
        String fresh = token(email, newPassword);

        assertRefusedEverywhereWithin5s(userId, old);
        assertAcceptedEverywhere(userId, fresh);
    }

    @Test
    void aFormerProviderAdminsTokenCreatesNoProviderAdminAndIsRefusedEverywhere() throws Exception {
        String email = address("demoted");
        String userId = createUser(email, List.of("provider-admin"));
        String old = token(email, PASSWORD);
        assertAcceptedEverywhere(userId, old);

        HttpResponse<String> removed = http.put(IDENTITY + "/api/v1/users/" + userId + "/provider-roles", admin,
                "{\"providerRoles\":[]}");
        assertThat(removed.statusCode()).as(describe(removed)).isEqualTo(200);

        await("the former provider admin's token creates no provider admin").atMost(BUDGET).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> http.assertProblem(http.postAsJson(IDENTITY + "/api/v1/users", old, Map.of("firstName", "Eve",
                        "lastName", "E", "email", address("eve"), "password", PASSWORD, "providerRoles", List.of("provider-admin"),
                        "memberships", List.of())), 401, "unauthenticated"));
        assertRefusedEverywhereWithin5s(userId, old);
        assertAcceptedEverywhere(userId, token(email, PASSWORD));
    }

    /** One authenticated request to each service: whatever the answer, it is not 401. */
    private void assertAcceptedEverywhere(String userId, String token) throws Exception {
        for (HttpResponse<String> response : probes(userId, token)) {
            assertThat(response.statusCode()).as(describe(response)).isNotEqualTo(401);
        }
    }

    private void assertRefusedEverywhereWithin5s(String userId, String token) {
        await("the old token refused by all four services").atMost(BUDGET).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (HttpResponse<String> response : probes(userId, token)) {
                        http.assertProblem(response, 401, "unauthenticated");
                    }
                });
    }

    private List<HttpResponse<String>> probes(String userId, String token) throws Exception {
        return List.of(
                // an empty body: 400 once the token is accepted, so nothing is created
                http.postAsJson(IDENTITY + "/api/v1/organizations", token, Map.of()),
                http.get(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations", token),
                http.get(QUERY + "/api/v1/users/" + userId + "/memberships", token),
                http.get(NOTIFICATION + "/api/v1/notifications", token));
    }

    private String token(String email, String password) throws Exception {
        return http.login(IDENTITY, email, password);
    }

    private String createUser(String email, List<String> providerRoles) throws Exception {
        HttpResponse<String> created = http.postAsJson(IDENTITY + "/api/v1/users", admin, Map.of("firstName", "Test", "lastName", "User",
                "email", email, "password", PASSWORD, "providerRoles", providerRoles,
                "memberships", List.of(Map.of("organizationId", organizationId, "roles", List.of("member")))));
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        return http.body(created).path("userId").asText();
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
    }
}
