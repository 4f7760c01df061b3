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
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.invitation.AbstractServiceTest;
import io.roster.invitation.invitation.SignUpAcceptance;
import io.roster.invitation.link.LinkJoins;
import io.roster.kit.secrets.SecretBox;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    @Test
    void aBatchOfSignUpsJoinsEachLinkOnceInOrderWithItsQuotaExactAndAVerificationAfterItsSignUp() {
        UUID org = organizationAdministeredBy(admin, "Crowd Inc");
        UUID publicLink = linkOf(org, Map.of("name", "Everyone", "quota", 3, "roles", List.of("member")));
        UUID domainLink = linkOf(org, Map.of("name", "Staff", "emails", List.of("*@crowd.io"), "roles", List.of("member")));
        List<UUID> crowd = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UUID dee = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        List<EventEnvelope> batch = new ArrayList<>();
        for (int i = 0; i < crowd.size(); i++) {
            batch.add(signUp(crowd.get(i), "joiner" + i + "@anywhere.io", false, tokenHashes.get(publicLink)));
        }
        batch.add(signUp(dee, "dee@crowd.io", false, tokenHashes.get(domainLink)));
        batch.add(signUp(stranger, "guess@anywhere.io", true, SecretBox.hash("a guessed token")));
        batch.add(EventEnvelope.of(new UserEmailVerified(UUID.randomUUID(), Instant.now(), null, dee, dee, "dee@crowd.io",
                VerificationMethod.LINK), 1));
        // the first joiner's sign-up delivered again within the batch: a second round, which changes nothing
        batch.add(batch.get(0));
        double exhaustedBefore = refused("quota_exhausted");
        double unknownBefore = refused("invitation_not_found");
        SignUpAcceptances acceptances = new SignUpAcceptances(invitations, links, database, meters);

        acceptances.around(() -> {
            batch.forEach(acceptances::apply);
            acceptances.beforeMark();
            return null;
        });

        List<RosterEvent> used = invitationEvents(publicLink, 4).subList(1, 4);
        assertThat(used).allSatisfy(event -> assertThat(event).isInstanceOf(InvitationLinkUsed.class));
        assertThat(used.stream().map(event -> ((InvitationLinkUsed) event).userId())).as("the first three, in order")
                .containsExactlyElementsOf(crowd.subList(0, 3));
        assertThat(used.stream().map(event -> ((InvitationLinkUsed) event).used())).containsExactly(1, 2, 3);
        List<RosterEvent> staff = invitationEvents(domainLink, 3);
        assertThat(staff.get(1)).isInstanceOfSatisfying(InvitationAcceptRejected.class,
                rejected -> assertThat(rejected.code()).isEqualTo("email_not_verified"));
        assertThat(staff.get(2)).isInstanceOfSatisfying(InvitationLinkUsed.class, joined -> assertThat(joined.userId()).isEqualTo(dee));
        assertThat(refused("quota_exhausted") - exhaustedBefore).as("the two past the quota").isEqualTo(2);
        assertThat(refused("invitation_not_found") - unknownBefore).as("the guessed token").isEqualTo(1);

        // the whole batch delivered again changes nothing: a change to the link is the next event on its stream
        acceptances.around(() -> {
            batch.forEach(acceptances::apply);
            acceptances.beforeMark();
            return null;
        });
        web.put().uri("/api/v1/organizations/{org}/invitation-links/{id}/status", org, publicLink)
                .headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("status", "disabled")).exchange().expectStatus().isOk();
        assertThat(invitationEvents(publicLink, 5).get(4)).isInstanceOf(InvitationLinkDisabled.class);
        assertThat(refused("quota_exhausted") - exhaustedBefore).isEqualTo(4);
    }

    @Autowired
    private SignUpAcceptance invitations;
    @Autowired
    private LinkJoins links;
    @Autowired
    private MongoDatabase database;
    @Autowired
    private MeterRegistry meters;
    private final Map<UUID, String> tokenHashes = new HashMap<>();

    private UUID linkOf(UUID org, Map<String, Object> body) {
        JsonNode created = web.post().uri("/api/v1/organizations/{org}/invitation-links", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID linkId = UUID.fromString(created.get("linkId").asText());
        String url = created.get("url").asText();
        tokenHashes.put(linkId, SecretBox.hash(url.substring(url.lastIndexOf('/') + 1)));
        return linkId;
    }

    private static EventEnvelope signUp(UUID user, String email, boolean verified, String tokenHash) {
        return EventEnvelope.of(new UserRegistered(UUID.randomUUID(), Instant.now(), null, user, user, email, "Crowd", "Member",
                RegistrationSource.SIGN_UP, verified, tokenHash), 0);
    }

    private double refused(String code) {
        var counter = meters.find("roster.invitation.sign_up_acceptances.refused").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }
}
