package io.roster.identity.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.PasswordChangeMethod;
import io.roster.events.identity.PasswordChanged;
import io.roster.events.identity.PasswordResetReason;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.UserEmailVerified;
import io.roster.identity.IdentityHttpTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password reset and change, the owner taking back an address, set-up link resend, provider roles (PRODUCT.md §3a, §4).
 * A context (and database) of its own, so that the bootstrap admin is the only provider admin here.
 */
@TestPropertySource(properties = "roster.identity.password-reset-token-ttl=PT30M")
class AccountLifecycleTest extends IdentityHttpTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";

    @Test
    void aResetRequestAnswersTheSameForEveryAddressAndMailsOnlyAnAccountThatExists() {
        TestUser user = createUser("rita", List.of());
        JsonNode known = body(postAnonymous("/api/v1/auth/password-reset", Map.of("email", user.email().toUpperCase())).expectStatus().isAccepted());
        JsonNode unknown = body(postAnonymous("/api/v1/auth/password-reset", Map.of("email", uniqueEmail("nobody"))).expectStatus().isAccepted());

        assertThat(known).isEqualTo(unknown);
        PasswordResetRequested requested = awaitReset(user.userId(), 1);
        assertThat(requested.reason()).isEqualTo(PasswordResetReason.REQUESTED);
        assertThat(requested.email()).isEqualTo(user.email());
    }

    @Test
    void aResetLinkSetsTheNewPasswordOnceEndsOlderSessionsAndOnlyTheNewestLinkWorks() {
        TestUser user = createUser("sam", List.of());
        postAnonymous("/api/v1/auth/password-reset", Map.of("email", user.email())).expectStatus().isAccepted();
        String older = secretBox.open(awaitReset(user.userId(), 1).resetToken());
        postAnonymous("/api/v1/auth/password-reset", Map.of("email", user.email())).expectStatus().isAccepted();
        String newest = secretBox.open(awaitReset(user.userId(), 2).resetToken());

        problem(confirm(older, NEW_PASSWORD), HttpStatus.NOT_FOUND, "token_not_found");
        problem(confirm(newest, "short"), HttpStatus.BAD_REQUEST, "validation_failed"); // a bad password does not use the link up
        confirm(newest, NEW_PASSWORD).expectStatus().isNoContent();

        problem(loginAttempt(user.email(), PASSWORD), HttpStatus.UNAUTHORIZED, "invalid_credentials");
        assertThat(login(user.email(), NEW_PASSWORD)).isNotBlank();
        problem(confirm(newest, "yet another password"), HttpStatus.NOT_FOUND, "token_not_found");
        // created by a provider admin with a password, so never verified: the link is its owner's proof
        assertThat(eventsOf(user.userId(), PasswordChanged.class)).singleElement()
                .satisfies(e -> assertThat(e.method()).isEqualTo(PasswordChangeMethod.CLAIM));
        assertThat(eventsOf(user.userId(), UserEmailVerified.class)).hasSize(1);

        // a second reset of the now verified address is a plain reset
        postAnonymous("/api/v1/auth/password-reset", Map.of("email", user.email())).expectStatus().isAccepted();
        confirm(secretBox.open(awaitReset(user.userId(), 3).resetToken()), PASSWORD).expectStatus().isNoContent();
        assertThat(eventsOf(user.userId(), PasswordChanged.class)).extracting(PasswordChanged::method)
                .containsExactly(PasswordChangeMethod.CLAIM, PasswordChangeMethod.RESET);
    }

    @Test
    void theOwnerTakesBackAnAddressThatAnotherAccountHeldUnverified() {
        // someone signed up with an address that is not theirs (open sign-up; through a public link the same)
        String address = uniqueEmail("owner");
        UUID squatter = UUID.fromString(body(postAnonymous("/api/v1/auth/sign-up", Map.of("email", address, "password", "squatters password",
                "firstName", "Mallory", "lastName", "M")).expectStatus().isCreated()).get("userId").asText());
        String squattersToken = login(address, "squatters password");

        // the owner signs up: same answer as for any taken address, and a mail to the address
        JsonNode taken = problem(postAnonymous("/api/v1/auth/sign-up", Map.of("email", address, "password", PASSWORD,
                "firstName", "Olive", "lastName", "Owner")), HttpStatus.CONFLICT, "email_taken");
        PasswordResetRequested offer = awaitReset(squatter, 1);
        assertThat(offer.reason()).isEqualTo(PasswordResetReason.SIGN_UP_ATTEMPT);
        assertThat(offer.email()).isEqualTo(address);

        confirm(secretBox.open(offer.resetToken()), PASSWORD).expectStatus().isNoContent();
        assertThat(login(address, PASSWORD)).isNotBlank();
        problem(loginAttempt(address, "squatters password"), HttpStatus.UNAUTHORIZED, "invalid_credentials");
        assertThat(eventsOf(squatter, PasswordChanged.class)).singleElement()
                .satisfies(e -> assertThat(e.method()).isEqualTo(PasswordChangeMethod.CLAIM));
        assertThat(eventsOf(squatter, UserEmailVerified.class)).hasSize(1);
        assertThat(squattersToken).isNotBlank(); // refused from here on by REVOCATION's rule on PasswordChanged

        // a verified holder is not mailed on someone else's sign-up, and the answer is the same
        JsonNode takenAgain = problem(postAnonymous("/api/v1/auth/sign-up", Map.of("email", address, "password", "third party pw",
                "firstName", "T", "lastName", "P")), HttpStatus.CONFLICT, "email_taken");
        assertThat(takenAgain.get("detail")).isEqualTo(taken.get("detail"));
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> eventsOf(squatter, PasswordResetRequested.class).size() == 1);
    }

    @Test
    void theCallerChangesTheirPasswordGivingTheCurrentOne() {
        TestUser user = createUser("tom", List.of());
        problem(post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", "wrong password", "newPassword", NEW_PASSWORD)),
                HttpStatus.UNAUTHORIZED, "invalid_credentials");
        problem(post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", "short")),
                HttpStatus.BAD_REQUEST, "validation_failed");
        problem(web.post().uri("/api/v1/auth/password").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("currentPassword", PASSWORD, "newPassword", NEW_PASSWORD)).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");

        post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", NEW_PASSWORD))
                .expectStatus().isNoContent();

        problem(loginAttempt(user.email(), PASSWORD), HttpStatus.UNAUTHORIZED, "invalid_credentials");
        assertThat(login(user.email(), NEW_PASSWORD)).isNotBlank();
        assertThat(eventsOf(user.userId(), PasswordChanged.class)).singleElement().satisfies(e -> {
            assertThat(e.method()).isEqualTo(PasswordChangeMethod.CHANGE);
            assertThat(e.actorId()).isEqualTo(user.userId());
        });
    }

    @Test
    void anAdminOfTheUsersOrganizationSendsANewSetUpLinkAndTheOldOneDies() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Resend Inc");
        UUID elsewhere = createOrganization(admin, "Elsewhere");
        TestUser orgAdmin = createMember(organizationId, "admin");
        TestUser plainMember = createMember(organizationId, "member");
        TestUser otherAdmin = createMember(elsewhere, "admin");
        String email = uniqueEmail("una");
        UUID userId = UUID.fromString(body(post(admin, "/api/v1/users", Map.of("firstName", "Una", "lastName", "U", "email", email,
                "memberships", List.of(Map.of("organizationId", organizationId.toString(), "roles", List.of("member"))))))
                .get("userId").asText());
        String oldLink = secretBox.open(eventsOf(userId, AccountSetupRequested.class).get(0).setupToken());
        String path = "/api/v1/users/" + userId + "/account-setup";

        // authorization first: a caller who administers nothing gets 403 for any id, an admin elsewhere 404
        problem(post(plainMember.token(), path, Map.of()), HttpStatus.FORBIDDEN, "forbidden");
        problem(post(plainMember.token(), "/api/v1/users/" + UUID.randomUUID() + "/account-setup", Map.of()), HttpStatus.FORBIDDEN, "forbidden");
        problem(post(otherAdmin.token(), path, Map.of()), HttpStatus.NOT_FOUND, "not_found");
        problem(post(otherAdmin.token(), "/api/v1/users/" + UUID.randomUUID() + "/account-setup", Map.of()), HttpStatus.NOT_FOUND, "not_found");
        problem(post(admin, "/api/v1/users/" + UUID.randomUUID() + "/account-setup", Map.of()), HttpStatus.NOT_FOUND, "not_found");
        problem(post(orgAdmin.token(), "/api/v1/users/" + plainMember.userId() + "/account-setup", Map.of()),
                HttpStatus.CONFLICT, "account_already_set_up");

        post(orgAdmin.token(), path, Map.of()).expectStatus().isAccepted().expectBody().jsonPath("$.expiresAt").exists();
        List<AccountSetupRequested> requests = eventsOf(userId, AccountSetupRequested.class);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).organizationId()).isEqualTo(organizationId);
        assertThat(requests.get(1).actorId()).isEqualTo(orgAdmin.userId());

        problem(setUp(oldLink, PASSWORD), HttpStatus.NOT_FOUND, "token_not_found");
        setUp(secretBox.open(requests.get(1).setupToken()), PASSWORD).expectStatus().isOk();
        assertThat(login(email, PASSWORD)).isNotBlank();
        assertThat(eventsOf(userId, PasswordChanged.class)).singleElement()
                .satisfies(e -> assertThat(e.method()).isEqualTo(PasswordChangeMethod.SETUP));
        // once set up, no more set-up links
        problem(post(admin, path, Map.of()), HttpStatus.CONFLICT, "account_already_set_up");
    }

    @Test
    void onlyAProviderAdminSetsProviderRolesAndTheLastProviderAdminStays() {
        String admin = adminToken();
        TestUser user = createUser("pia", List.of());
        String path = "/api/v1/users/" + user.userId() + "/provider-roles";

        problem(put(user.token(), path, Map.of("providerRoles", List.of("provider-admin"))), HttpStatus.FORBIDDEN, "forbidden");
        problem(put(user.token(), "/api/v1/users/" + UUID.randomUUID() + "/provider-roles", Map.of("providerRoles", List.of())),
                HttpStatus.FORBIDDEN, "forbidden");
        problem(put(admin, "/api/v1/users/" + UUID.randomUUID() + "/provider-roles", Map.of("providerRoles", List.of())),
                HttpStatus.NOT_FOUND, "not_found");
        problem(put(admin, path, Map.of("providerRoles", List.of("root"))), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(put(admin, path, Map.of()), HttpStatus.BAD_REQUEST, "validation_failed");

        put(admin, path, Map.of("providerRoles", List.of("provider-admin", "provider-admin"))).expectStatus().isOk()
                .expectBody().jsonPath("$.providerRoles[0]").isEqualTo("provider-admin").jsonPath("$.providerRoles.length()").isEqualTo(1);
        String promoted = login(user.email(), PASSWORD);
        put(promoted, path, Map.of("providerRoles", List.of("provider-admin"))).expectStatus().isOk(); // unchanged: no event
        assertThat(eventsOf(user.userId(), ProviderRolesChanged.class)).singleElement()
                .satisfies(e -> assertThat(e.providerRoles()).containsExactly("provider-admin"));

        // the new provider admin demotes themselves while another remains; then the bootstrap admin is the last one
        put(promoted, path, Map.of("providerRoles", List.of())).expectStatus().isOk();
        assertThat(eventsOf(user.userId(), ProviderRolesChanged.class)).last()
                .satisfies(e -> assertThat(e.providerRoles()).isEmpty());
        UUID bootstrap = UUID.fromString(new String(java.util.Base64.getUrlDecoder().decode(admin.split("\\.")[1]))
                .replaceAll(".*\"sub\":\"([^\"]+)\".*", "$1"));
        JsonNode refused = problem(put(admin, "/api/v1/users/" + bootstrap + "/provider-roles", Map.of("providerRoles", List.of())),
                HttpStatus.CONFLICT, "last_provider_admin");
        assertThat(refused.get("detail").asText()).contains("at least one provider admin");
        assertThat(login(ADMIN_EMAIL, ADMIN_PASSWORD)).isNotBlank();
    }

    @Test
    void badInputToEveryNewEndpointIsAProblemWithAStableCode() {
        TestUser user = createUser("val", List.of());
        problem(postAnonymous("/api/v1/auth/password-reset", Map.of()), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(postAnonymous("/api/v1/auth/password-reset", Map.of("email", " ")), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(postAnonymous("/api/v1/auth/password-reset", Map.of("email", "x".repeat(100_000) + "@acme.test")),
                HttpStatus.BAD_REQUEST, "validation_failed");
        problem(postRaw("/api/v1/auth/password-reset", "{\"email\":"), HttpStatus.BAD_REQUEST, "malformed_request");
        problem(postRaw("/api/v1/auth/password-reset", "{\"email\":\"a@acme.test\",\"email\":\"b@acme.test\"}"),
                HttpStatus.BAD_REQUEST, "malformed_request");
        problem(confirm("", PASSWORD), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(confirm("x".repeat(10_000), PASSWORD), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(confirm("not-a-token", PASSWORD), HttpStatus.NOT_FOUND, "token_not_found");
        problem(confirm("not-a-token", "p".repeat(73)), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(postAnonymous("/api/v1/auth/password-reset/confirm", Map.of()), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(post(user.token(), "/api/v1/auth/password", Map.of()), HttpStatus.BAD_REQUEST, "validation_failed");
        problem(post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", "x".repeat(5000), "newPassword", NEW_PASSWORD)),
                HttpStatus.BAD_REQUEST, "validation_failed");
        problem(post(adminToken(), "/api/v1/users/not-a-uuid/account-setup", Map.of()), HttpStatus.BAD_REQUEST, "malformed_request");
        problem(put(adminToken(), "/api/v1/users/" + user.userId() + "/provider-roles", Map.of("providerRoles", "provider-admin")),
                HttpStatus.BAD_REQUEST, "malformed_request");
        problem(put(adminToken(), "/api/v1/users/" + user.userId() + "/provider-roles",
                Map.of("providerRoles", java.util.Collections.nCopies(6, "provider-admin"))), HttpStatus.BAD_REQUEST, "validation_failed");
    }

    private PasswordResetRequested awaitReset(UUID userId, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(userId, PasswordResetRequested.class).size() >= count);
        return eventsOf(userId, PasswordResetRequested.class).get(count - 1);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec confirm(String token, String password) {
        return postAnonymous("/api/v1/auth/password-reset/confirm", Map.of("token", token, "password", password));
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec setUp(String token, String password) {
        return postAnonymous("/api/v1/auth/account-setup", Map.of("token", token, "password", password));
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec loginAttempt(String email, String password) {
        return postAnonymous("/api/v1/auth/token", Map.of("email", email, "password", password));
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec postAnonymous(String uri, Object body) {
        return web.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec postRaw(String uri, String json) {
        return web.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }
}
