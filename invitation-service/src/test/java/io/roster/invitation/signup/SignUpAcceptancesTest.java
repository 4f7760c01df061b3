package io.roster.invitation.signup;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.RosterEvent;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserRegistered;
import io.roster.events.identity.VerificationMethod;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.invitation.AbstractServiceTest;
import io.roster.kit.secrets.SecretBox;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sign-up with an invitation token accepts it (PRODUCT.md §4): the identity service's UserRegistered carries the
 * token's hash, and the invitation service accepts for the new user with the usual rules.
 */
class SignUpAcceptancesTest extends AbstractServiceTest {

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@signups.io");

    @Test
    void aSignUpWithAPersonalInvitationsTokenAcceptsItOnceEvenWhenRedelivered() {
        UUID org = organizationAdministeredBy(admin, "Sign-up Inc");
        JsonNode body = web.post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emails", List.of("new@signups.io"), "roles", List.of("billing-manager")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID invitationId = UUID.fromString(body.get("invitations").get(0).get("invitationId").asText());
        InvitationIssued issued = (InvitationIssued) invitationEvents(invitationId, 1).get(0);
        String tokenHash = SecretBox.hash(secretBox.open(issued.token()));
        UUID user = UUID.randomUUID();
        UserRegistered registered = new UserRegistered(UUID.randomUUID(), Instant.now(), null, user, user, "new@signups.io",
                "New", "Comer", RegistrationSource.SIGN_UP, true, tokenHash);

        publish(registered, 0);
        publish(registered, 0);

        List<RosterEvent> events = invitationEvents(invitationId, 2);
        assertThat(events.get(1)).isInstanceOfSatisfying(InvitationAccepted.class, accepted -> {
            assertThat(accepted.userId()).isEqualTo(user);
            assertThat(accepted.roles()).containsExactly("billing-manager");
        });
        // a later event on the same key proves the redelivery was handled, and changed nothing
        web.delete().uri("/api/v1/organizations/{org}/invitations/{id}", org, invitationId).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().is4xxClientError();
        assertThat(invitationEvents(invitationId, 2)).filteredOn(InvitationAccepted.class::isInstance).hasSize(1);
    }

    @Test
    void aSignUpThroughADomainLinkJoinsOnceTheAddressIsVerified() {
        UUID org = organizationAdministeredBy(admin, "Domain Inc");
        JsonNode created = web.post().uri("/api/v1/organizations/{org}/invitation-links", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Staff", "emails", List.of("*@domain.io"), "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID linkId = UUID.fromString(created.get("linkId").asText());
        String url = created.get("url").asText();
        String tokenHash = SecretBox.hash(url.substring(url.lastIndexOf('/') + 1));
        UUID user = UUID.randomUUID();

        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, user, user, "dee@domain.io", "Dee", "Main",
                RegistrationSource.SIGN_UP, false, tokenHash), 0);
        assertThat(invitationEvents(linkId, 2).get(1)).isInstanceOfSatisfying(InvitationAcceptRejected.class,
                rejected -> assertThat(rejected.code()).isEqualTo("email_not_verified"));

        publish(new UserEmailVerified(UUID.randomUUID(), Instant.now(), null, user, user, "dee@domain.io",
                VerificationMethod.LINK), 1);
        assertThat(invitationEvents(linkId, 3).get(2)).isInstanceOfSatisfying(InvitationLinkUsed.class, used -> {
            assertThat(used.userId()).isEqualTo(user);
            assertThat(used.used()).isEqualTo(1);
        });
    }
}
