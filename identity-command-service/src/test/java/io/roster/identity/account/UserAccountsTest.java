package io.roster.identity.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.EventJson;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.idempotency.IdempotencyFilter;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/** Users over HTTP: creation by admins, sign-up, verification, account setup, profile, deletion. */
class UserAccountsTest extends IdentityHttpTest {

    @Test
    void aProviderAdminCreatesAUserWithAPasswordRolesAndMembershipsAndNoEventCarriesACredential() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Globex");
        UUID teamId = UUID.fromString(body(post(admin, "/api/v1/organizations/" + organizationId + "/teams", Map.of("name", "Ops"))
                .expectStatus().isCreated()).get("teamId").asText());
        String email = uniqueEmail("carol");

        EntityExchangeResult<byte[]> created = post(admin, "/api/v1/users", Map.of("firstName", "Carol", "lastName", "Shaw",
                "email", "  " + email.toUpperCase() + " ", "password", PASSWORD, "providerRoles", List.of("provider-admin"),
                "memberships", List.of(Map.of("organizationId", organizationId.toString(), "roles", List.of("member", "admin"),
                        "teamIds", List.of(teamId.toString())))))
                .expectStatus().isCreated()
                .expectBody().returnResult();
        UUID userId = UUID.fromString(EventJson.tree(created.getResponseBody()).get("userId").asText());

        assertThat(created.getResponseHeaders().getLocation()).hasToString("/api/v1/users/" + userId);
        assertThat(tokenOf(created)).containsOnlyKeys(userId.toString(), organizationId.toString());
        String token = login(email, PASSWORD);
        assertThat(token).isNotBlank();
        assertThat(eventsOf(userId, UserRegistered.class)).singleElement().satisfies(e -> {
            assertThat(e.email()).isEqualTo(email);
            assertThat(e.source()).isEqualTo(RegistrationSource.ADMIN);
            assertThat(e.emailVerified()).isFalse();
        });
        assertThat(eventsOf(userId, ProviderRolesChanged.class)).singleElement()
                .satisfies(e -> assertThat(e.providerRoles()).containsExactly("provider-admin"));
        assertThat(eventsOf(userId, EmailVerificationRequested.class)).hasSize(1);
        assertThat(eventsOf(organizationId, MemberAdded.class)).filteredOn(e -> e.userId().equals(userId)).singleElement()
                .satisfies(e -> {
                    assertThat(e.roles()).containsExactly("admin", "member");
                    assertThat(e.teamIds()).containsExactly(teamId);
                });
        String allEvents = java.util.stream.Stream.concat(eventsOf(userId).stream(), eventsOf(organizationId).stream())
                .map(e -> new String(EventJson.write(e), StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(allEvents).doesNotContain(PASSWORD).doesNotContain("$2a$").doesNotContainIgnoringCase("password");
    }

    @Test
    void aUserCreatedWithoutAPasswordSetsOneWithTheSealedLinkWhichWorksOnce() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Initech");
        String email = uniqueEmail("dave");
        UUID userId = UUID.fromString(body(post(admin, "/api/v1/users", Map.of("firstName", "Dave", "lastName", "Bo", "email", email,
                "memberships", List.of(Map.of("organizationId", organizationId.toString(), "roles", List.of("member"))))))
                .get("userId").asText());

        AccountSetupRequested setup = eventsOf(userId, AccountSetupRequested.class).get(0);
        assertThat(setup.organizationId()).isEqualTo(organizationId);
        assertThat(setup.email()).isEqualTo(email);
        String token = secretBox.open(setup.setupToken());
        problem(web.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD)).exchange(), HttpStatus.UNAUTHORIZED, "invalid_credentials");

        problem(web.post().uri("/api/v1/auth/account-setup").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token, "password", "short")).exchange(), HttpStatus.BAD_REQUEST, "validation_failed");
        web.post().uri("/api/v1/auth/account-setup").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token, "password", PASSWORD)).exchange()
                .expectStatus().isOk()
                .expectHeader().exists("Consistency-Token")
                .expectBody().jsonPath("$.userId").isEqualTo(userId.toString());

        assertThat(login(email, PASSWORD)).isNotBlank();
        assertThat(eventsOf(userId, UserEmailVerified.class)).hasSize(1);
        problem(web.post().uri("/api/v1/auth/account-setup").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token, "password", "another password")).exchange(), HttpStatus.NOT_FOUND, "token_not_found");
    }

    @Test
    void anOrganizationAdminCreatesUsersOnlyIntoTheirOwnOrganizationAndGrantsNoProviderRoles() {
        String admin = adminToken();
        UUID theirs = createOrganization(admin, "Theirs");
        UUID other = createOrganization(admin, "Other");
        TestUser orgAdmin = createMember(theirs, "admin");
        String email = uniqueEmail("eve");
        Map<String, Object> intoOther = Map.of("firstName", "Eve", "lastName", "E", "email", email, "password", PASSWORD,
                "memberships", List.of(Map.of("organizationId", other.toString(), "roles", List.of("member"))));

        // not a member of Other: to them it does not exist (the same answer in every service)
        problem(post(orgAdmin.token(), "/api/v1/users", intoOther), HttpStatus.NOT_FOUND, "not_found");
        problem(post(orgAdmin.token(), "/api/v1/users", Map.of("firstName", "Eve", "lastName", "E", "email", email,
                "providerRoles", List.of("provider-admin"),
                "memberships", List.of(Map.of("organizationId", theirs.toString(), "roles", List.of("member"))))), HttpStatus.FORBIDDEN, "forbidden");
        problem(post(orgAdmin.token(), "/api/v1/users", Map.of("firstName", "Eve", "lastName", "E", "email", email)),
                HttpStatus.FORBIDDEN, "forbidden");
        problem(post(admin, "/api/v1/users", Map.of("firstName", "Eve", "lastName", "E", "email", email,
                "memberships", List.of(Map.of("organizationId", UUID.randomUUID().toString(), "roles", List.of("member"))))),
                HttpStatus.NOT_FOUND, "not_found");

        // the refusals above claimed nothing: the address is still free (and its owner sets the password)
        post(orgAdmin.token(), "/api/v1/users", Map.of("firstName", "Eve", "lastName", "E", "email", email,
                "memberships", List.of(Map.of("organizationId", theirs.toString(), "roles", List.of("member")))))
                .expectStatus().isCreated();
    }

    @Test
    void anOrganizationAdminCannotPreClaimAnAddressWithAPasswordOfTheirChoosing() {
        // V1: anyone may create an organization and, as its admin, used to create a password account for any address
        String admin = adminToken();
        UUID theirs = createOrganization(admin, "Pre-claim");
        TestUser orgAdmin = createMember(theirs, "admin");
        String victim = uniqueEmail("victim");
        problem(post(orgAdmin.token(), "/api/v1/users", Map.of("firstName", "Vic", "lastName", "Tim", "email", victim,
                "password", PASSWORD, "memberships", List.of(Map.of("organizationId", theirs.toString(), "roles", List.of("member"))))),
                HttpStatus.FORBIDDEN, "forbidden");
        problem(web.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", victim, "password", PASSWORD)).exchange(), HttpStatus.UNAUTHORIZED, "invalid_credentials");
    }

    @Test
    void aCallerWhoMayNotAddMembersGetsTheSameAnswerForAnExistingAndAnUnknownAddress() {
        // V5: the lookup used to run before the authorization check (403 for an existing address, 404 for an unknown one)
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Enumerated");
        TestUser member = createMember(organization, "member");
        TestUser existing = createMember(createOrganization(admin, "Elsewhere"), "member");
        String path = "/api/v1/organizations/" + organization + "/members";
        String forExisting = post(member.token(), path, Map.of("email", existing.email(), "roles", List.of("member")))
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();
        String forUnknown = post(member.token(), path, Map.of("email", uniqueEmail("nobody"), "roles", List.of("member")))
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();
        assertThat(forUnknown).isEqualTo(forExisting).contains("\"forbidden\"");
        // and by user id: an unknown id is no different from a real one
        String forExistingId = post(member.token(), path, Map.of("userId", existing.userId().toString(), "roles", List.of("member")))
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();
        String forUnknownId = post(member.token(), path, Map.of("userId", UUID.randomUUID().toString(), "roles", List.of("member")))
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();
        assertThat(forUnknownId).isEqualTo(forExistingId).isEqualTo(forExisting);
    }

    @Test
    void badUserRequestsNameEveryBadField() {
        JsonNode problem = problem(post(adminToken(), "/api/v1/users", Map.of("firstName", "", "lastName", "L", "email", "not-an-email",
                "password", "short", "providerRoles", List.of("root"),
                "memberships", List.of(Map.of("organizationId", UUID.randomUUID().toString(), "roles", List.of("owner"))))),
                HttpStatus.BAD_REQUEST, "validation_failed");
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertThat(fields).contains("firstName", "email");
        JsonNode second = problem(post(adminToken(), "/api/v1/users", Map.of("firstName", "F", "lastName", "L", "email", uniqueEmail("x"),
                "password", "short", "providerRoles", List.of("root"),
                "memberships", List.of(Map.of("organizationId", UUID.randomUUID().toString(), "roles", List.of("owner"))))),
                HttpStatus.BAD_REQUEST, "validation_failed");
        List<String> secondFields = new ArrayList<>();
        second.get("errors").forEach(error -> secondFields.add(error.get("field").asText()));
        assertThat(secondFields).containsExactlyInAnyOrder("password", "providerRoles", "memberships[0].roles");
    }

    @Test
    void emailsAreUniqueWithoutCaseOrSurroundingSpace() {
        String email = uniqueEmail("frank");
        String admin = adminToken();
        post(admin, "/api/v1/users", Map.of("firstName", "F", "lastName", "L", "email", email, "password", PASSWORD))
                .expectStatus().isCreated();
        problem(post(admin, "/api/v1/users", Map.of("firstName", "F", "lastName", "L", "email", " " + email.toUpperCase() + " ",
                "password", PASSWORD)), HttpStatus.CONFLICT, "email_taken");
        problem(web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD, "firstName", "F", "lastName", "L")).exchange(),
                HttpStatus.CONFLICT, "email_taken");
    }

    @Test
    void twoParallelCreationsOfOneAddressInDifferentCaseGiveExactlyOneUser() throws Exception {
        String admin = adminToken();
        for (int round = 0; round < 3; round++) {
            String email = uniqueEmail("grace");
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<EntityExchangeResult<byte[]>>> requests = new ArrayList<>();
            for (String variant : List.of(email, email.toUpperCase())) {
                requests.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return post(admin, "/api/v1/users", Map.of("firstName", "G", "lastName", "H", "email", variant, "password", PASSWORD))
                            .expectBody().returnResult();
                }));
            }
            List<EntityExchangeResult<byte[]>> results = requests.stream().map(CompletableFuture::join).toList();

            assertThat(results).extracting(r -> r.getStatus().value()).containsExactlyInAnyOrder(201, 409);
            assertThat(results).filteredOn(r -> r.getStatus().value() == 409).singleElement()
                    .satisfies(r -> assertThat(new String(r.getResponseBody(), StandardCharsets.UTF_8)).contains("\"code\":\"email_taken\""));
            assertThat(login(email, PASSWORD)).isNotBlank();
        }
    }

    @Test
    void anOpenSignUpRegistersAndTheEmailIsVerifiedByTheLatestLinkOnce() {
        String email = uniqueEmail("heidi");
        EntityExchangeResult<byte[]> signedUp = web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD, "firstName", "Heidi", "lastName", "K"))
                .exchange().expectStatus().isCreated().expectBody().returnResult();
        UUID userId = UUID.fromString(EventJson.tree(signedUp.getResponseBody()).get("userId").asText());
        assertThat(tokenOf(signedUp)).containsOnlyKeys(userId.toString());
        assertThat(eventsOf(userId, UserRegistered.class).get(0).source()).isEqualTo(RegistrationSource.SIGN_UP);
        String first = secretBox.open(eventsOf(userId, EmailVerificationRequested.class).get(0).verificationToken());
        String token = login(email, PASSWORD);

        post(token, "/api/v1/auth/verification-email", Map.of()).expectStatus().isAccepted();
        List<EmailVerificationRequested> requested = eventsOf(userId, EmailVerificationRequested.class);
        assertThat(requested).hasSize(2);
        String second = secretBox.open(requested.get(1).verificationToken());

        problem(web.post().uri("/api/v1/auth/verify-email").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", first)).exchange(), HttpStatus.NOT_FOUND, "token_not_found");
        web.post().uri("/api/v1/auth/verify-email").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", second)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.emailVerified").isEqualTo(true);
        assertThat(eventsOf(userId, UserEmailVerified.class)).singleElement().satisfies(e -> assertThat(e.email()).isEqualTo(email));
        problem(web.post().uri("/api/v1/auth/verify-email").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", second)).exchange(), HttpStatus.NOT_FOUND, "token_not_found");
        problem(post(token, "/api/v1/auth/verification-email", Map.of()), HttpStatus.CONFLICT, "email_already_verified");
    }

    @Test
    void anAddressWithoutADottedDomainIsRefusedAtSignUpAndUserCreationAsInvitationsRefuseIt() {
        // the one rule of EmailAddress: before it, sign-up accepted ann@localhost and invitations refused it
        JsonNode signUp = problem(web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "ann@localhost", "password", PASSWORD, "firstName", "Ann", "lastName", "L")).exchange(),
                HttpStatus.BAD_REQUEST, "validation_failed");
        assertThat(signUp.get("errors").get(0).get("field").asText()).isEqualTo("email");
        problem(post(adminToken(), "/api/v1/users", Map.of("firstName", "Ann", "lastName", "L", "email", "ann@localhost",
                "password", PASSWORD)), HttpStatus.BAD_REQUEST, "validation_failed");
    }

    @Test
    void anInternationalDomainIsStoredInItsAsciiFormAndLogsInEitherWay() {
        String local = "j\u00fcrgen-" + UUID.randomUUID().toString().substring(0, 8);
        post(adminToken(), "/api/v1/users", Map.of("firstName", "J", "lastName", "K", "email", local + "@B\u00fccher.Example",
                "password", PASSWORD)).expectStatus().isCreated();
        problem(post(adminToken(), "/api/v1/users", Map.of("firstName", "J", "lastName", "K", "email", local + "@xn--bcher-kva.example",
                "password", PASSWORD)), HttpStatus.CONFLICT, "email_taken");
    }

    @Test
    void aSignUpWithAnUnknownInvitationTokenIsRefused() {
        problem(web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", uniqueEmail("ivan"), "password", PASSWORD, "firstName", "I", "lastName", "V",
                        "invitationToken", "abc")).exchange(), HttpStatus.NOT_FOUND, "invitation_not_found");
    }

    @Test
    void aProviderAdminDeletesAnAccountAndEveryMembershipGoesFirstWithOneBatch() {
        String admin = adminToken();
        UUID first = createOrganization(admin, "One");
        UUID second = createOrganization(admin, "Two");
        TestUser judy = createUser("judy", List.of(Map.of("organizationId", first.toString(), "roles", List.of("member")),
                Map.of("organizationId", second.toString(), "roles", List.of("admin", "member"))));

        EntityExchangeResult<byte[]> deleted = delete(admin, "/api/v1/users/" + judy.userId()).expectStatus().isOk()
                .expectBody().returnResult();

        assertThat(tokenOf(deleted)).containsOnlyKeys(judy.userId().toString(), first.toString(), second.toString());
        JsonNode answer = EventJson.tree(deleted.getResponseBody());
        List<String> removedFrom = new ArrayList<>();
        answer.get("removedFromOrganizations").forEach(id -> removedFrom.add(id.asText()));
        assertThat(removedFrom).containsExactlyInAnyOrder(first.toString(), second.toString());
        MemberRemoved fromFirst = eventsOf(first, MemberRemoved.class).get(0);
        MemberRemoved fromSecond = eventsOf(second, MemberRemoved.class).get(0);
        assertThat(List.of(fromFirst, fromSecond)).allSatisfy(e -> {
            assertThat(e.userId()).isEqualTo(judy.userId());
            assertThat(e.reason()).isEqualTo(RemovalReason.ACCOUNT_DELETED);
            assertThat(e.batchId()).isNotNull();
        });
        assertThat(fromFirst.batchId()).isEqualTo(fromSecond.batchId());
        assertThat(eventsOf(judy.userId(), UserDeleted.class)).singleElement().satisfies(e -> assertThat(e.email()).isEqualTo(judy.email()));
        problem(web.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", judy.email(), "password", PASSWORD)).exchange(), HttpStatus.UNAUTHORIZED, "invalid_credentials");
        problem(delete(admin, "/api/v1/users/" + judy.userId()), HttpStatus.NOT_FOUND, "not_found");
        // the address is free again
        post(admin, "/api/v1/users", Map.of("firstName", "J", "lastName", "U", "email", judy.email(), "password", PASSWORD))
                .expectStatus().isCreated();
    }

    @Test
    void deletingIsRefusedForOneselfForNonProviderAdminsAndForTheLastAdminOfAnOrganization() {
        String admin = adminToken();
        UUID adminId = subjectOf(admin);
        problem(delete(admin, "/api/v1/users/" + adminId), HttpStatus.CONFLICT, "cannot_delete_self");

        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Founder's");
        TestUser member = createMember(organizationId, "member");
        problem(delete(founder.token(), "/api/v1/users/" + member.userId()), HttpStatus.FORBIDDEN, "forbidden");
        problem(delete(admin, "/api/v1/users/" + founder.userId()), HttpStatus.CONFLICT, "last_admin");
        problem(delete(admin, "/api/v1/users/" + UUID.randomUUID()), HttpStatus.NOT_FOUND, "not_found");

        // nothing changed: the founder still logs in and still manages the organization
        assertThat(eventsOf(organizationId, MemberRemoved.class)).isEmpty();
        String token = login(founder.email(), PASSWORD);
        patch(token, "/api/v1/organizations/" + organizationId, Map.of("name", "Still mine")).expectStatus().isOk();
    }

    @Test
    void usersChangeTheirOwnNameAndOnlyProviderAdminsChangeOthers() {
        TestUser kim = createUser("kim", List.of());
        TestUser lou = createUser("lou", List.of());
        patch(kim.token(), "/api/v1/users/" + kim.userId(), Map.of("firstName", "Kimberly")).expectStatus().isOk()
                .expectHeader().exists("Consistency-Token")
                .expectBody().jsonPath("$.firstName").isEqualTo("Kimberly").jsonPath("$.lastName").isEqualTo("Test");
        assertThat(eventsOf(kim.userId(), UserProfileUpdated.class)).singleElement()
                .satisfies(e -> assertThat(e.firstName()).isEqualTo("Kimberly"));
        problem(patch(lou.token(), "/api/v1/users/" + kim.userId(), Map.of("lastName", "X")), HttpStatus.FORBIDDEN, "forbidden");
        problem(patch(kim.token(), "/api/v1/users/" + kim.userId(), Map.of()), HttpStatus.BAD_REQUEST, "validation_failed");
        patch(adminToken(), "/api/v1/users/" + lou.userId(), Map.of("lastName", "Reed")).expectStatus().isOk();
    }

    @Test
    void aRetriedCreationWithTheSameIdempotencyKeyAnswersTheFirstUserAndCreatesNoOther() {
        String admin = adminToken();
        String key = UUID.randomUUID().toString();
        Map<String, Object> request = Map.of("firstName", "Mia", "lastName", "M", "email", uniqueEmail("mia"), "password", PASSWORD);

        EntityExchangeResult<byte[]> first = web.post().uri("/api/v1/users").headers(h -> {
            h.setBearerAuth(admin);
            h.set(IdempotencyFilter.HEADER, key);
        }).contentType(MediaType.APPLICATION_JSON).bodyValue(request).exchange().expectStatus().isCreated().expectBody().returnResult();
        EntityExchangeResult<byte[]> again = web.post().uri("/api/v1/users").headers(h -> {
            h.setBearerAuth(admin);
            h.set(IdempotencyFilter.HEADER, key);
        }).contentType(MediaType.APPLICATION_JSON).bodyValue(request).exchange().expectStatus().isCreated().expectBody().returnResult();

        assertThat(again.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(again.getResponseHeaders().getFirst("Consistency-Token")).isEqualTo(first.getResponseHeaders().getFirst("Consistency-Token"));
        assertThat(again.getResponseHeaders().getFirst(IdempotencyFilter.REPLAYED_HEADER)).isEqualTo("true");
        problem(web.post().uri("/api/v1/users").headers(h -> {
            h.setBearerAuth(admin);
            h.set(IdempotencyFilter.HEADER, key);
        }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Other", "lastName", "M", "email", uniqueEmail("mia"),
                "password", PASSWORD)).exchange(), HttpStatus.CONFLICT, "idempotency_key_reused");
    }

    /** The user id a token was issued to. */
    private static UUID subjectOf(String token) {
        return UUID.fromString(EventJson.tree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("sub").asText());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
