package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import org.assertj.core.api.SoftAssertions;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Issue 17 item 6 over HTTP: an organization's {@code reminderHoursBeforeExpiry} in its invitation settings (default
 * 24, null off, validated), the pending invitations' reminder due instants in the lookup following it, and the sweep
 * recording one {@code InvitationReminderSent} per sent link with the link's own sealed token, none where reminders
 * are off.
 */
class InvitationReminderServiceTest extends AbstractServiceTest {

    private static final Logger log = LoggerFactory.getLogger(InvitationReminderServiceTest.class);
    private static final String SETTINGS = "/api/v1/organizations/{org}/invitation-settings";
    private static final String FIELD = "reminderHoursBeforeExpiry";

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@remind.io");

    @Autowired
    private MongoDatabase database;
    @Autowired
    private EventStore eventStore;

    @Test
    void theSettingDefaultsTo24IsValidatedAndIsAMergePatch() {
        UUID org = organizationAdministeredBy(admin, "Remindco");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(settings(org).path(FIELD).asInt()).as("default").isEqualTo(24);
        for (String bad : List.of("0", "-1", "721", "1.5", "\"24\"", "true", "{}")) {
            JsonNode problem = patch(org, "{\"" + FIELD + "\":" + bad + "}", adminToken).expectStatus().isBadRequest()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            softly.assertThat(problem.path("errors").findValuesAsText("field")).as("%s refused: %s", bad, problem).contains(FIELD);
        }
        softly.assertThat(settings(org).path(FIELD).asInt()).as("unchanged by refused patches").isEqualTo(24);
        patch(org, "{\"" + FIELD + "\":48}", adminToken).expectStatus().isOk().expectBody().jsonPath("$." + FIELD).isEqualTo(48);
        patch(org, "{}", adminToken).expectStatus().isOk();
        patch(org, "{\"afterJoinUrl\":\"https://app.remind.io/\"}", adminToken).expectStatus().isOk();
        patch(org, "{\"afterJoinUrl\":null}", adminToken).expectStatus().isOk();
        JsonNode kept = settings(org);
        softly.assertThat(kept.path(FIELD).asInt()).as("left out, or another field changed: unchanged %s", kept).isEqualTo(48);
        patch(org, "{\"" + FIELD + "\":null}", adminToken).expectStatus().isOk();
        JsonNode off = settings(org);
        softly.assertThat(off.has(FIELD) && off.get(FIELD).isNull()).as("null turns it off: %s", off).isTrue();
        UUID plainMember = member(org, "plain@remind.io", 2);
        patch(org, "{\"" + FIELD + "\":12}", tokenOf(plainMember, "plain@remind.io")).expectStatus().isForbidden();
        softly.assertAll();
    }

    @Test
    void theDueInstantsOfPendingInvitationsFollowTheSetting() {
        UUID org = organizationAdministeredBy(admin, "Followco");
        UUID invitationId = invite(org, "follow@remind.io", 100);
        // as MongoDB keeps instants: to the millisecond
        Instant sentAt = ((InvitationIssued) invitationEvents(invitationId, 1).get(0)).occurredAt().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = ((InvitationIssued) invitationEvents(invitationId, 1).get(0)).expiresAt().truncatedTo(ChronoUnit.MILLIS);
        Instant halfway = sentAt.plus(Duration.between(sentAt, expiresAt).dividedBy(2)).truncatedTo(ChronoUnit.MILLIS);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(dueAt(invitationId)).as("default 24 h").isEqualTo(expiresAt.minus(Duration.ofHours(24)));
        patch(org, "{\"" + FIELD + "\":48}", adminToken).expectStatus().isOk();
        softly.assertThat(dueAt(invitationId)).as("48 h").isEqualTo(expiresAt.minus(Duration.ofHours(48)));
        patch(org, "{\"" + FIELD + "\":72}", adminToken).expectStatus().isOk();
        softly.assertThat(dueAt(invitationId)).as("72 h: not before halfway").isEqualTo(halfway);
        patch(org, "{\"" + FIELD + "\":null}", adminToken).expectStatus().isOk();
        softly.assertThat(dueAt(invitationId)).as("off").isNull();
        patch(org, "{\"" + FIELD + "\":24}", adminToken).expectStatus().isOk();
        softly.assertThat(dueAt(invitationId)).as("on again").isEqualTo(expiresAt.minus(Duration.ofHours(24)));
        log.info("Invitation sent {} expiring {}: reminder due {} after the settings 48, 72, off, 24", sentAt, expiresAt,
                dueAt(invitationId));
        softly.assertAll();
    }

    /**
     * Two organizations, one with reminders off; each invites one address for 3 h, and the shared clock moves 2 h: past
     * halfway, before expiry. The other's invitee is reminded once, with the link of the invitation email; the one
     * whose reminders are off never. A resend allows one more reminder, with the resent link.
     */
    @Test
    void aDueInvitationIsRemindedOnceWithItsLinkAndAResendAllowsOneMoreButNoneWhenOff() {
        UUID org = organizationAdministeredBy(admin, "Sweepco");
        UUID quietOrg = organizationAdministeredBy(admin, "Quietco");
        patch(quietOrg, "{\"" + FIELD + "\":null}", adminToken).expectStatus().isOk();
        UUID reminded = invite(org, "soon@remind.io", 3);
        UUID quiet = invite(quietOrg, "quiet@remind.io", 3);
        String issuedToken = secretBox.open(((InvitationIssued) invitationEvents(reminded, 1).get(0)).token());

        clock.advance(Duration.ofHours(2));
        InvitationReminderSent first = awaitReminders(reminded, 1).get(0);
        awaitNoneDue(reminded, quiet);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(secretBox.open(first.token())).as("the invitation email's link").isEqualTo(issuedToken);
        softly.assertThat(first.actorId()).as("nobody asked").isNull();
        softly.assertThat(first.email()).isEqualTo("soon@remind.io");
        softly.assertThat(remindersStored(reminded)).as("reminders of %s in the event store", reminded).hasSize(1);
        softly.assertThat(remindersStored(quiet)).as("reminders of %s (its organization's are off)", quiet).isEmpty();

        web.post().uri("/api/v1/organizations/{org}/invitations/{id}/resend", org, reminded).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk();
        InvitationResent resent = (InvitationResent) invitationEvents(reminded, 3).get(2);
        clock.advance(Duration.ofHours(2));
        List<InvitationReminderSent> both = awaitReminders(reminded, 2);
        awaitNoneDue(reminded);
        softly.assertThat(secretBox.open(both.get(1).token())).as("the resent link").isEqualTo(secretBox.open(resent.token()));
        softly.assertThat(both.get(1).expiresAt()).isEqualTo(resent.expiresAt());
        softly.assertThat(remindersStored(reminded)).as("one reminder per sent link").hasSize(2);
        log.info("Reminders of {}: {} (at {}); of {} (reminders off): {}", reminded, remindersStored(reminded).size(),
                both.stream().map(InvitationReminderSent::occurredAt).toList(), quiet, remindersStored(quiet).size());
        softly.assertAll();
    }

    private List<InvitationReminderSent> awaitReminders(UUID invitationId, int count) {
        return await("%d reminder(s) of %s".formatted(count, invitationId)).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> remindersStored(invitationId), reminders -> reminders.size() >= count);
    }

    /** The sweep has nothing due left among these: each was reminded or was never due. */
    private void awaitNoneDue(UUID... invitationIds) {
        await("no reminder due").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> database.getCollection("invitation-lookup-v1").countDocuments(Filters.and(
                        Filters.in("_id", java.util.Arrays.stream(invitationIds).map(UUID::toString).toList()),
                        Filters.lte("reminderDueAt", Date.from(clock.instant())))) == 0);
    }

    private List<InvitationReminderSent> remindersStored(UUID invitationId) {
        return eventStore.readEvents(invitationId.toString()).asStream().map(DomainEventMessage::getPayload)
                .filter(InvitationReminderSent.class::isInstance).map(InvitationReminderSent.class::cast).toList();
    }

    private Instant dueAt(UUID invitationId) {
        Document entry = database.getCollection("invitation-lookup-v1").find(Filters.eq("_id", invitationId.toString())).first();
        Date due = entry == null ? null : entry.getDate("reminderDueAt");
        return due == null ? null : due.toInstant();
    }

    private UUID invite(UUID org, String email, int hours) {
        JsonNode body = web.post().uri("/api/v1/organizations/{org}/invitations", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emails", List.of(email), "roles", List.of("member"), "expiresInHours", hours))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        return UUID.fromString(body.get("invitations").get(0).get("invitationId").asText());
    }

    private JsonNode settings(UUID org) {
        return web.get().uri(SETTINGS, org).headers(h -> h.setBearerAuth(adminToken)).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec patch(UUID org, String json, String bearer) {
        return web.patch().uri(SETTINGS, org).headers(h -> h.setBearerAuth(bearer)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange();
    }
}
