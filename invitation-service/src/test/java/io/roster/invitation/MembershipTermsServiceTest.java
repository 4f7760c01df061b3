package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.RosterEvent;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.InvitationUpdated;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * Issue 17 item 10, invitation side, over HTTP: invitations and links take {@code membershipExpiresAt} or
 * {@code membershipDays}, refuse bad values naming the field, edit them as a merge patch, and each join's event carries
 * the membership's end as computed at the join: the end date as given, or the join's own instant plus the days. A
 * join after the end date is refused 410 {@code membership_expired}, and the invitation stays pending and the link's
 * only place unused.
 */
class MembershipTermsServiceTest extends AbstractServiceTest {

    private static final Logger log = LoggerFactory.getLogger(MembershipTermsServiceTest.class);
    private static final Path REPORT = Path.of("target", "membership-terms-report.txt");

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@terms.io");
    private final List<String> report = new ArrayList<>();

    @Test
    void badTermsAreRefusedNamingTheirFieldAndBothAtOnceNamesBoth() throws IOException {
        UUID org = organizationAdministeredBy(admin, "Terms Validation");
        String future = clock.instant().plus(Duration.ofDays(30)).toString();
        String invitations = "/api/v1/organizations/" + org + "/invitations";
        String links = "/api/v1/organizations/" + org + "/invitation-links";
        String invitation = "\"emails\":[\"val@terms.io\"],\"roles\":[\"member\"]";
        String link = "\"name\":\"L\",\"roles\":[\"member\"]";
        SoftAssertions softly = new SoftAssertions();
        for (String base : List.of(invitations + "|" + invitation, links + "|" + link)) {
            String path = base.substring(0, base.indexOf('|'));
            String fields = base.substring(base.indexOf('|') + 1);
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipDays\":0}", "membershipDays");
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipDays\":3651}", "membershipDays");
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipDays\":\"ten\"}", "membershipDays");
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipExpiresAt\":\""
                    + clock.instant().minusSeconds(60) + "\"}", "membershipExpiresAt");
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipExpiresAt\":\""
                    + clock.instant().plus(Duration.ofDays(3651)) + "\"}", "membershipExpiresAt");
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipExpiresAt\":\"soon\"}", "membershipExpiresAt");
            expectFields(softly, HttpMethod.POST, path, "{" + fields + ",\"membershipExpiresAt\":\"" + future
                    + "\",\"membershipDays\":30}", "membershipExpiresAt", "membershipDays");
        }
        UUID invitationId = UUID.fromString(send(HttpMethod.POST, invitations, "{\"emails\":[\"patch@terms.io\"],\"roles\":[\"member\"]}")
                .getResponseBody().get("invitations").get(0).get("invitationId").asText());
        UUID linkId = UUID.fromString(send(HttpMethod.POST, links, "{" + link + "}").getResponseBody().get("linkId").asText());
        for (String path : List.of(invitations + "/" + invitationId, links + "/" + linkId)) {
            expectFields(softly, HttpMethod.PATCH, path, "{\"membershipDays\":0}", "membershipDays");
            expectFields(softly, HttpMethod.PATCH, path, "{\"membershipExpiresAt\":\"" + clock.instant().minusSeconds(1) + "\"}",
                    "membershipExpiresAt");
            expectFields(softly, HttpMethod.PATCH, path, "{\"membershipExpiresAt\":\"" + future + "\",\"membershipDays\":3}",
                    "membershipExpiresAt", "membershipDays");
        }
        finish(softly);
    }

    @Test
    void anInvitationsDaysEndTheMembershipThatManyDaysAfterTheJoinAndAPatchChangesThem() throws IOException {
        UUID org = organizationAdministeredBy(admin, "Terms Days");
        JsonNode issuedBody = send(HttpMethod.POST, "/api/v1/organizations/" + org + "/invitations",
                "{\"emails\":[\"dora@terms.io\"],\"roles\":[\"member\"],\"membershipDays\":30}").getResponseBody();
        UUID invitationId = UUID.fromString(issuedBody.get("invitations").get(0).get("invitationId").asText());
        InvitationIssued issued = (InvitationIssued) invitationEvents(invitationId, 1).get(0);
        String token = secretBox.open(issued.token());

        send(HttpMethod.PATCH, "/api/v1/organizations/" + org + "/invitations/" + invitationId, "{\"membershipDays\":45}");
        InvitationUpdated toDays = (InvitationUpdated) invitationEvents(invitationId, 2).get(1);
        JsonNode preview = web.get().uri("/api/v1/invitations/{token}", token).exchange().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        // the join comes two days later (the invitation is valid for three): its end counts from the join
        clock.advance(Duration.ofDays(2));
        JsonNode accepted = web.post().uri("/api/v1/invitations/{token}/accept", token)
                .headers(h -> h.setBearerAuth(tokenOf(UUID.randomUUID(), "dora@terms.io"))).exchange()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        InvitationAccepted joined = (InvitationAccepted) invitationEvents(invitationId, 3).get(2);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(issued.membershipDays()).as("InvitationIssued.membershipDays").isEqualTo(30);
        softly.assertThat(issued.membershipExpiresAt()).as("InvitationIssued.membershipExpiresAt").isNull();
        softly.assertThat(toDays.membershipDays()).as("InvitationUpdated.membershipDays").isEqualTo(45);
        softly.assertThat(preview.get("membershipExpiresAt").isNull()).as("preview shows an end: " + preview).isFalse();
        softly.assertThat(joined.membershipExpiresAt()).as("InvitationAccepted.membershipExpiresAt = occurredAt + 45 days")
                .isEqualTo(joined.occurredAt().plus(Duration.ofDays(45)));
        softly.assertThat(joined.occurredAt()).as("the join instant, after the 2 days")
                .isAfterOrEqualTo(issued.occurredAt().plus(Duration.ofDays(2)));
        softly.assertThat(accepted.get("membershipExpiresAt").asText()).as("accept answer")
                .isEqualTo(joined.membershipExpiresAt().toString());
        report.add("days: issued " + issued.occurredAt() + " (30 days, patched to 45), joined " + joined.occurredAt()
                + ", membership ends " + joined.membershipExpiresAt() + " = join + "
                + Duration.between(joined.occurredAt(), joined.membershipExpiresAt()).toDays() + " days");
        finish(softly);
    }

    @Test
    void anInvitationsPassedEndDateRefusesTheJoinAndLeavesItPendingUntilAnAdminMovesIt() throws IOException {
        UUID org = organizationAdministeredBy(admin, "Terms Lapsed");
        Instant end = clock.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        UUID invitationId = UUID.fromString(send(HttpMethod.POST, "/api/v1/organizations/" + org + "/invitations",
                "{\"emails\":[\"lara@terms.io\"],\"roles\":[\"member\"],\"membershipExpiresAt\":\"" + end + "\"}")
                .getResponseBody().get("invitations").get(0).get("invitationId").asText());
        InvitationIssued issued = (InvitationIssued) invitationEvents(invitationId, 1).get(0);
        String token = secretBox.open(issued.token());
        String bearer = tokenOf(UUID.randomUUID(), "lara@terms.io");

        clock.advance(Duration.ofHours(2));
        EntityExchangeResult<JsonNode> refused = web.post().uri("/api/v1/invitations/{token}/accept", token)
                .headers(h -> h.setBearerAuth(bearer)).exchange().expectBody(JsonNode.class).returnResult();
        JsonNode preview = web.get().uri("/api/v1/invitations/{token}", token).exchange().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        Instant later = clock.instant().plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.SECONDS);
        send(HttpMethod.PATCH, "/api/v1/organizations/" + org + "/invitations/" + invitationId,
                "{\"membershipExpiresAt\":\"" + later + "\"}");
        int acceptedStatus = web.post().uri("/api/v1/invitations/{token}/accept", token)
                .headers(h -> h.setBearerAuth(bearer)).exchange().expectBody(JsonNode.class).returnResult().getStatus().value();
        List<RosterEvent> events = invitationEvents(invitationId, 3);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(issued.membershipExpiresAt()).as("InvitationIssued.membershipExpiresAt").isEqualTo(end);
        softly.assertThat(refused.getStatus().value()).as("accept after the end date").isEqualTo(410);
        softly.assertThat(refused.getResponseBody().get("code").asText()).isEqualTo("membership_expired");
        softly.assertThat(preview.get("status").asText()).as("still pending after the refusal").isEqualTo("pending");
        softly.assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .as("no event for the refusal").containsExactly("InvitationIssued", "InvitationUpdated", "InvitationAccepted");
        softly.assertThat(acceptedStatus).as("accept after the edit").isEqualTo(200);
        softly.assertThat(((InvitationAccepted) events.get(2)).membershipExpiresAt()).as("the edited end date").isEqualTo(later);
        report.add("lapsed invitation: end " + end + ", accept at " + clock.instant() + " → " + refused.getStatus().value() + " "
                + refused.getResponseBody().get("code").asText() + "; events " + events.stream()
                .map(e -> e.getClass().getSimpleName()).collect(Collectors.joining(",")));
        finish(softly);
    }

    @Test
    void aLinksTermsReachEachJoinAndAPassedEndDateKeepsItsOnlyPlace() throws IOException {
        UUID org = organizationAdministeredBy(admin, "Terms Link");
        Instant end = clock.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        JsonNode created = send(HttpMethod.POST, "/api/v1/organizations/" + org + "/invitation-links",
                "{\"name\":\"One place\",\"quota\":1,\"roles\":[\"member\"],\"membershipExpiresAt\":\"" + end + "\"}")
                .getResponseBody();
        UUID linkId = UUID.fromString(created.get("linkId").asText());
        String url = created.get("url").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        InvitationLinkCreated linkCreated = (InvitationLinkCreated) invitationEvents(linkId, 1).get(0);

        clock.advance(Duration.ofHours(2));
        UUID first = UUID.randomUUID();
        EntityExchangeResult<JsonNode> refused = web.post().uri("/api/v1/invitations/{token}/accept", token)
                .headers(h -> h.setBearerAuth(tokenOf(first, first + "@anywhere.io"))).exchange()
                .expectBody(JsonNode.class).returnResult();
        // null removes the end date, then days are set: two merge patches
        send(HttpMethod.PATCH, "/api/v1/organizations/" + org + "/invitation-links/" + linkId, "{\"membershipExpiresAt\":null}");
        send(HttpMethod.PATCH, "/api/v1/organizations/" + org + "/invitation-links/" + linkId, "{\"membershipDays\":7}");
        int joinedStatus = web.post().uri("/api/v1/invitations/{token}/accept", token)
                .headers(h -> h.setBearerAuth(tokenOf(first, first + "@anywhere.io"))).exchange()
                .expectBody(JsonNode.class).returnResult().getStatus().value();
        List<RosterEvent> events = invitationEvents(linkId, 4);
        await("the lookup has the link's use").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                web.get().uri("/api/v1/invitations/{token}", token).exchange().expectStatus().isOk()
                        .expectBody().jsonPath("$.status").isEqualTo("exhausted"));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(linkCreated.membershipExpiresAt()).as("InvitationLinkCreated.membershipExpiresAt").isEqualTo(end);
        softly.assertThat(refused.getStatus().value()).as("join after the end date").isEqualTo(410);
        softly.assertThat(refused.getResponseBody().get("code").asText()).isEqualTo("membership_expired");
        softly.assertThat(events).extracting(e -> e.getClass().getSimpleName()).as("no event for the refusal")
                .containsExactly("InvitationLinkCreated", "InvitationLinkUpdated", "InvitationLinkUpdated", "InvitationLinkUsed");
        InvitationLinkUpdated cleared = (InvitationLinkUpdated) events.get(1);
        InvitationLinkUpdated toDays = (InvitationLinkUpdated) events.get(2);
        softly.assertThat(cleared.membershipExpiresAt()).as("patched to null").isNull();
        softly.assertThat(toDays.membershipDays()).as("patched to 7 days").isEqualTo(7);
        softly.assertThat(joinedStatus).as("the quota-1 link's only place was kept for this join").isEqualTo(200);
        InvitationLinkUsed used = (InvitationLinkUsed) events.get(3);
        softly.assertThat(used.used()).isEqualTo(1);
        softly.assertThat(used.membershipExpiresAt()).as("InvitationLinkUsed.membershipExpiresAt = occurredAt + 7 days")
                .isEqualTo(used.occurredAt().plus(Duration.ofDays(7)));
        report.add("link: end " + end + " refused " + refused.getStatus().value() + "; after the patches joined "
                + used.occurredAt() + ", ends " + used.membershipExpiresAt() + ", used " + used.used() + " of 1");
        finish(softly);
    }

    private EntityExchangeResult<JsonNode> send(HttpMethod method, String path, String json) {
        EntityExchangeResult<JsonNode> result = web.method(method).uri(path).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectBody(JsonNode.class).returnResult();
        if (!result.getStatus().is2xxSuccessful()) {
            throw new AssertionError(method + " " + path + " " + json + " answered " + result.getStatus() + " " + result.getResponseBody());
        }
        return result;
    }

    /** The request is answered 400 naming exactly these fields in errors[]. */
    private void expectFields(SoftAssertions softly, HttpMethod method, String path, String json, String... fields) {
        EntityExchangeResult<JsonNode> result = web.method(method).uri(path).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectBody(JsonNode.class).returnResult();
        JsonNode body = result.getResponseBody();
        List<String> named = new ArrayList<>();
        if (body != null && body.has("errors")) {
            body.get("errors").forEach(error -> named.add(error.get("field").asText()));
        }
        String what = method + " " + path.replaceAll(".*/organizations/[^/]+", "…") + " " + json;
        softly.assertThat(result.getStatus().value()).as(what + " status").isEqualTo(400);
        softly.assertThat(named).as(what + " fields named (" + body + ")").containsExactlyInAnyOrder(fields);
        report.add(what + " → " + result.getStatus().value() + " " + (body == null ? "" : body.path("code").asText()) + " " + named);
    }

    private void finish(SoftAssertions softly) throws IOException {
        report.forEach(line -> log.info("membership terms: {}", line));
        Files.createDirectories(REPORT.getParent());
        Files.write(REPORT, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        softly.assertAll();
    }
}
