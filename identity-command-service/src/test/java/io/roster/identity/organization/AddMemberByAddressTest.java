package io.roster.identity.organization;

import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.identity.IdentityHttpTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * V1, second half, as the attack (PRODUCT.md §3a): someone signs up with an address that is not theirs, hoping that a
 * real admin somewhere adds that address to an organization, which would let them in. Adding by address does not find
 * such an account: the answer is byte for byte the one for an address nobody holds, until the owner takes the address
 * back by proving the mailbox. Accounts an admin made resolve as before.
 */
class AddMemberByAddressTest extends IdentityHttpTest {

    @Test
    void anAddressSomeoneSignedUpWithIsNotFoundUntilItsOwnerTakesItBackWhileAdminMadeAccountsAreFound() {
        String providerAdmin = adminToken();
        UUID organization = createOrganization(providerAdmin, "Real Corp");
        TestUser realAdmin = createMember(organization, "admin");
        String members = "/api/v1/organizations/" + organization + "/members";
        String victim = uniqueEmail("victim");

        // the answer for an address nobody holds
        String unknown = addByEmail(realAdmin, members, victim).expectStatus().isNotFound()
                .expectBody(String.class).returnResult().getResponseBody();

        // the attacker signs up with it (open sign-up here; a public link's sign-up is the same kind of account)
        UUID squatter = UUID.fromString(body(anonymous("/api/v1/auth/sign-up", Map.of("email", victim, "password", "squatters password",
                "firstName", "Mallory", "lastName", "M")).expectStatus().isCreated()).get("userId").asText());
        String whileClaimed = addByEmail(realAdmin, members, victim).expectStatus().isNotFound()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(whileClaimed).isEqualTo(unknown).contains("\"not_found\"");

        // the owner takes it back: their sign-up mails the address a link, and choosing a password through it proves the mailbox
        anonymous("/api/v1/auth/sign-up", Map.of("email", victim, "password", PASSWORD, "firstName", "Olive", "lastName", "Owner"))
                .expectStatus().isEqualTo(409);
        await().atMost(Duration.ofSeconds(20)).until(() -> !eventsOf(squatter, PasswordResetRequested.class).isEmpty());
        String link = secretBox.open(eventsOf(squatter, PasswordResetRequested.class).get(0).resetToken());
        anonymous("/api/v1/auth/password-reset/confirm", Map.of("token", link, "password", PASSWORD)).expectStatus().isNoContent();

        addByEmail(realAdmin, members, victim).expectStatus().isCreated()
                .expectBody().jsonPath("$.userId").isEqualTo(squatter.toString());

        // an organization admin's user, waiting for its owner's set-up, and a provider admin's user with a password
        UUID elsewhere = createOrganization(providerAdmin, "Elsewhere");
        TestUser otherAdmin = createMember(elsewhere, "admin");
        String waiting = uniqueEmail("waiting");
        UUID waitingId = UUID.fromString(body(post(otherAdmin.token(), "/api/v1/users", Map.of("firstName", "Wai", "lastName", "Ting",
                "email", waiting, "memberships", List.of(Map.of("organizationId", elsewhere.toString(), "roles", List.of("member"))))))
                .get("userId").asText());
        assertThat(eventsOf(waitingId, AccountSetupRequested.class)).hasSize(1);
        addByEmail(realAdmin, members, waiting).expectStatus().isCreated()
                .expectBody().jsonPath("$.userId").isEqualTo(waitingId.toString());
        TestUser givenAPassword = createUser("given", List.of());
        addByEmail(realAdmin, members, givenAPassword.email()).expectStatus().isCreated()
                .expectBody().jsonPath("$.userId").isEqualTo(givenAPassword.userId().toString());
    }

    private WebTestClient.ResponseSpec addByEmail(TestUser admin, String members, String email) {
        return post(admin.token(), members, Map.of("email", email, "roles", List.of("member")));
    }

    private WebTestClient.ResponseSpec anonymous(String uri, Object body) {
        return web.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
