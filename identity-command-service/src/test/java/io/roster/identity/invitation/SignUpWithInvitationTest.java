package io.roster.identity.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.secrets.SecretBox;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sign-up with an invitation token (PRODUCT.md §4): checked against identity's projection of the invitation topic,
 * with the accept endpoint's codes; the token's hash, never the token, goes into UserRegistered for the invitation
 * service to accept. Sign-up is closed here, so only a valid token opens it.
 */
@TestPropertySource(properties = "roster.identity.open-sign-up=false")
class SignUpWithInvitationTest extends IdentityHttpTest {

    private static final EncryptedSecret SEALED = new EncryptedSecret("k1", "c2VhbGVk");

    @Test
    void aPersonalInvitationsTokenMailedByThePlatformSignsUpItsAddressVerifiedAndCarriesOnlyTheHash() {
        String email = uniqueEmail("invited");
        String token = SecretBox.newToken();
        UUID invitationId = UUID.randomUUID();
        InvitationIssued issued = issued(UUID.randomUUID(), invitationId, email, token, Instant.now().plusSeconds(3600));
        publishInvitationEvent(EventEnvelope.of(issued, 0));
        publishInvitationDelivery(issued, invitationId, email, true);

        UUID userId = awaitSignUp(email.toUpperCase(), token);

        UserRegistered registered = eventsOf(userId, UserRegistered.class).get(0);
        assertThat(registered.invitationTokenHash()).isEqualTo(SecretBox.hash(token));
        assertThat(registered.emailVerified()).as("the platform mailed the token to this address").isTrue();
        assertThat(registered.toString()).doesNotContain(token);
        assertThat(eventsOf(userId, EmailVerificationRequested.class)).as("no verification email needed").isEmpty();
        login(email, PASSWORD);
    }

    /**
     * V2, the attack: an organization admin points the organization's SMTP settings at their own server, invites an
     * address they do not own and reads the token from the mail. Signing up with it must not verify the address (or a
     * {@code *@domain} link of another organization would admit them); the platform's verification email follows.
     * Nor does a token whose email identity has not heard of yet.
     */
    @Test
    void aPersonalInvitationsTokenMailedThroughAnOrganizationsOwnServerOrNotKnownToBeMailedSignsUpUnverified() {
        String victim = uniqueEmail("victim");
        String token = SecretBox.newToken();
        UUID invitationId = UUID.randomUUID();
        InvitationIssued issued = issued(UUID.randomUUID(), invitationId, victim, token, Instant.now().plusSeconds(3600));
        publishInvitationEvent(EventEnvelope.of(issued, 0));
        publishInvitationDelivery(issued, invitationId, victim, false);

        UUID userId = awaitSignUp(victim, token);
        assertThat(eventsOf(userId, UserRegistered.class).get(0).emailVerified())
                .as("the organization's own server carried the token").isFalse();
        assertThat(eventsOf(userId, EmailVerificationRequested.class)).hasSize(1);

        String unknown = uniqueEmail("not-yet-mailed");
        String second = SecretBox.newToken();
        publishInvitationEvent(EventEnvelope.of(issued(UUID.randomUUID(), UUID.randomUUID(), unknown, second, Instant.now().plusSeconds(3600)), 0));
        UUID other = awaitSignUp(unknown, second);
        assertThat(eventsOf(other, UserRegistered.class).get(0).emailVerified()).as("no NotificationSent seen").isFalse();
    }

    @Test
    void aPersonalInvitationRefusesAnotherAddressAndItsOldTokenAfterAResendAndARevokedOne() {
        String email = uniqueEmail("exact");
        String first = SecretBox.newToken();
        String second = SecretBox.newToken();
        UUID invitationId = UUID.randomUUID();
        UUID organizationId = UUID.randomUUID();
        Instant expiresAt = Instant.now().plusSeconds(3600);
        publishInvitationEvent(EventEnvelope.of(issued(organizationId, invitationId, email, first, expiresAt), 0));
        awaitCode(uniqueEmail("someone-else"), first, HttpStatus.FORBIDDEN, "email_mismatch");

        publishInvitationEvent(EventEnvelope.of(new InvitationResent(UUID.randomUUID(), Instant.now(), organizationId, null,
                invitationId, email, expiresAt, SecretBox.hash(second), SEALED, 1), 1));
        awaitCode(email, first, HttpStatus.NOT_FOUND, "invitation_not_found");

        publishInvitationEvent(EventEnvelope.of(new InvitationRevoked(UUID.randomUUID(), Instant.now(), organizationId, null,
                invitationId, email), 2));
        awaitCode(email, second, HttpStatus.GONE, "invitation_revoked");
    }

    @Test
    void anExpiredInvitationAndAnUnknownTokenAreRefusedWithTheirCodes() {
        String email = uniqueEmail("late");
        String token = SecretBox.newToken();
        publishInvitationEvent(EventEnvelope.of(issued(UUID.randomUUID(), UUID.randomUUID(), email, token, Instant.now().minusSeconds(1)), 0));
        awaitCode(email, token, HttpStatus.GONE, "invitation_expired");
        problem(signUp(email, SecretBox.newToken()), HttpStatus.NOT_FOUND, "invitation_not_found");
    }

    @Test
    void aDomainLinkAdmitsItsDomainOnlyNeedsVerificationAndStopsWhenDisabledOrUsedUp() {
        String token = SecretBox.newToken();
        UUID linkId = UUID.randomUUID();
        // a real organization: the link's use below makes identity add the member
        UUID organizationId = createOrganization(adminToken(), "Linked");
        publishInvitationEvent(EventEnvelope.of(new InvitationLinkCreated(UUID.randomUUID(), Instant.now(), organizationId, null,
                linkId, "Staff", null, List.of("*@Example.org"), null, 2, List.of("member"), List.of(),
                SecretBox.hash(token), SEALED), 0));
        awaitCode("eve-" + UUID.randomUUID() + "@example.com", token, HttpStatus.FORBIDDEN, "email_mismatch");

        UUID userId = awaitSignUp("ann-" + UUID.randomUUID() + "@example.org", token);
        UserRegistered registered = eventsOf(userId, UserRegistered.class).get(0);
        assertThat(registered.invitationTokenHash()).isEqualTo(SecretBox.hash(token));
        assertThat(registered.emailVerified()).as("a link proves no address").isFalse();
        assertThat(eventsOf(userId, EmailVerificationRequested.class)).hasSize(1);

        publishInvitationEvent(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId, userId,
                linkId, userId, "x@example.org", List.of("member"), List.of(), 2), 1));
        awaitCode("bo-" + UUID.randomUUID() + "@example.org", token, HttpStatus.GONE, "quota_exhausted");

        publishInvitationEvent(EventEnvelope.of(new InvitationLinkDisabled(UUID.randomUUID(), Instant.now(), organizationId, null,
                linkId), 2));
        awaitCode("cy-" + UUID.randomUUID() + "@example.org", token, HttpStatus.GONE, "invitation_disabled");
    }

    @Test
    void withoutATokenAClosedSignUpIsRefused() {
        Map<String, Object> body = new HashMap<>(Map.of("email", uniqueEmail("walk-in"), "password", PASSWORD,
                "firstName", "W", "lastName", "I"));
        problem(web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
                HttpStatus.FORBIDDEN, "invitation_required");
    }

    private static InvitationIssued issued(UUID organizationId, UUID invitationId, String email, String token, Instant expiresAt) {
        return new InvitationIssued(UUID.randomUUID(), Instant.now(), organizationId, null, invitationId, email, null, null,
                List.of("member"), List.of(), expiresAt, SecretBox.hash(token), SEALED, null);
    }

    /** The projection is fed asynchronously from Kafka: sign-up works once it has seen the token. */
    private UUID awaitSignUp(String email, String token) {
        UUID[] userId = new UUID[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var result = signUp(email, token).returnResult(byte[].class);
            if (result.getStatus().value() != 201) {
                return false;
            }
            userId[0] = UUID.fromString(new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.getResponseBodyContent())
                    .get("userId").asText());
            return true;
        });
        return userId[0];
    }

    private void awaitCode(String email, String token, HttpStatus status, String code) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> problem(signUp(email, token), status, code));
    }

    private WebTestClient.ResponseSpec signUp(String email, String token) {
        return web.post().uri("/api/v1/auth/sign-up").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD, "firstName", "New", "lastName", "Comer",
                        "invitationToken", token)).exchange();
    }
}
