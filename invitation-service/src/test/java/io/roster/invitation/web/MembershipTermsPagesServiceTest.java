package io.roster.invitation.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.invitation.AbstractServiceTest;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 17 item 10 on the {@code /invite} pages: an invitation with membership terms says "Your membership ends on
 * …" before the join, the joined page says the end the join recorded, and an invitation whose end date has passed
 * shows the membership_expired page (410) instead of sending the visitor on to sign up.
 */
class MembershipTermsPagesServiceTest extends AbstractServiceTest {

    private static final Logger log = LoggerFactory.getLogger(MembershipTermsPagesServiceTest.class);
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern DATA_CSRF = Pattern.compile("data-csrf-token=\"([^\"]+)\"");
    private static final Pattern ENDS = Pattern.compile("id=\"membership-ends\">([^<]+)<");

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@terms-pages.io");

    /** The shared client, with room for a loaded two-core machine (the default is 5 s). */
    private WebTestClient web;

    @BeforeEach
    void patientClient() {
        web = super.web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void thePagesSayWhenTheMembershipEndsBeforeAndAfterTheJoin() {
        UUID org = organizationAdministeredBy(admin, "Terms Pages");
        Instant end = clock.instant().plus(Duration.ofDays(100)).truncatedTo(ChronoUnit.MINUTES);
        UUID dated = invite(org, "dated@terms-pages.io", Map.of("membershipExpiresAt", end.toString()));
        UUID days = invite(org, "days@terms-pages.io", Map.of("membershipDays", 10));
        UUID none = invite(org, "none@terms-pages.io", Map.of());

        String datedToken = token(dated);
        String signUp = web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, datedToken).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        String session = startSession(datedToken, tokenOf(UUID.randomUUID(), "dated@terms-pages.io"));
        EntityExchangeResult<String> acceptPage = web.get().uri("/invite/{token}", datedToken)
                .cookie(InviteCookies.SESSION, session).exchange().expectStatus().isOk().expectBody(String.class).returnResult();
        String joined = acceptThroughThePage(datedToken, session, acceptPage);
        InvitationAccepted datedJoin = (InvitationAccepted) invitationEvents(dated, 2).get(1);

        String daysToken = token(days);
        String daysSession = startSession(daysToken, tokenOf(UUID.randomUUID(), "days@terms-pages.io"));
        EntityExchangeResult<String> daysPage = web.get().uri("/invite/{token}", daysToken)
                .cookie(InviteCookies.SESSION, daysSession).exchange().expectStatus().isOk().expectBody(String.class).returnResult();
        String daysJoined = acceptThroughThePage(daysToken, daysSession, daysPage);
        InvitationAccepted daysJoin = (InvitationAccepted) invitationEvents(days, 2).get(1);

        String noneSignUp = web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, token(none)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        String expected = InvitePageController.endsOn(end);
        log.info("membership end on the pages: sign-up '{}', accept '{}', joined '{}'; 10 days: accept '{}', joined '{}' (event {})",
                endOn(signUp), endOn(acceptPage.getResponseBody()), endOn(joined), endOn(daysPage.getResponseBody()),
                endOn(daysJoined), daysJoin.membershipExpiresAt());
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(endOn(signUp)).as("sign-up page, end date").isEqualTo(expected);
        softly.assertThat(endOn(acceptPage.getResponseBody())).as("accept page, end date").isEqualTo(expected);
        softly.assertThat(joined).as("joined page").contains("You joined", "Your membership ends on");
        softly.assertThat(endOn(joined)).as("joined page, end date").isEqualTo(expected);
        softly.assertThat(datedJoin.membershipExpiresAt()).as("InvitationAccepted.membershipExpiresAt").isEqualTo(end);
        softly.assertThat(endOn(daysPage.getResponseBody())).as("accept page, 10 days from now").isNotNull();
        softly.assertThat(endOn(daysJoined)).as("joined page: the end the join recorded")
                .isEqualTo(InvitePageController.endsOn(daysJoin.membershipExpiresAt()));
        softly.assertThat(daysJoin.membershipExpiresAt()).isEqualTo(daysJoin.occurredAt().plus(Duration.ofDays(10)));
        softly.assertThat(noneSignUp).as("no terms, no end").doesNotContain("Your membership ends on");
        softly.assertAll();
    }

    @Test
    void anInvitationWhoseMembershipWouldAlreadyBeOverShowsSoInsteadOfSigningUp() {
        UUID org = organizationAdministeredBy(admin, "Terms Pages Lapsed");
        Instant end = clock.instant().plus(Duration.ofHours(1));
        String token = token(invite(org, "late@terms-pages.io", Map.of("membershipExpiresAt", end.toString())));
        clock.advance(Duration.ofHours(2));

        EntityExchangeResult<String> page = web.get().uri("/invite/{token}", token).exchange()
                .expectBody(String.class).returnResult();

        log.info("lapsed membership page: {} {}", page.getStatus(), page.getResponseCookies().keySet());
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(page.getStatus().value()).as("status").isEqualTo(410);
        softly.assertThat(page.getResponseBody()).contains("data-code=\"membership_expired\"");
        softly.assertThat(page.getResponseCookies().containsKey(InviteCookies.INVITATION)).as("no invitation cookie").isFalse();
        softly.assertAll();
    }

    private String acceptThroughThePage(String token, String session, EntityExchangeResult<String> page) {
        Matcher field = HIDDEN_CSRF.matcher(page.getResponseBody());
        ResponseCookie csrfCookie = page.getResponseCookies().getFirst(InvitePagesSecurity.CSRF_COOKIE);
        if (!field.find() || csrfCookie == null) {
            throw new AssertionError("no CSRF token on the accept page: " + page.getResponseBody());
        }
        return web.post().uri("/invite/{token}/accept", token)
                .cookies(c -> {
                    c.add(InviteCookies.SESSION, session);
                    c.add(InvitePagesSecurity.CSRF_COOKIE, csrfCookie.getValue());
                })
                .body(BodyInserters.fromFormData("_csrf", field.group(1)))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    /** Logs in as the pages' script does after the identity service gave it {@code accessToken}. */
    private String startSession(String invitationToken, String accessToken) {
        EntityExchangeResult<String> signUp = web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, invitationToken)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult();
        ResponseCookie csrfCookie = signUp.getResponseCookies().getFirst(InvitePagesSecurity.CSRF_COOKIE);
        Matcher data = DATA_CSRF.matcher(signUp.getResponseBody());
        Matcher field = HIDDEN_CSRF.matcher(signUp.getResponseBody());
        String masked = field.find() ? field.group(1) : data.find() ? data.group(1) : null;
        if (csrfCookie == null || masked == null) {
            throw new AssertionError("no CSRF token on the sign-up page");
        }
        return web.post().uri("/invite/session").cookie(InvitePagesSecurity.CSRF_COOKIE, csrfCookie.getValue())
                .body(BodyInserters.fromFormData("accessToken", accessToken).with("_csrf", masked))
                .exchange().expectStatus().isNoContent()
                .returnResult(Void.class).getResponseCookies().getFirst(InviteCookies.SESSION).getValue();
    }

    private static String endOn(String page) {
        Matcher ends = ENDS.matcher(page == null ? "" : page);
        return ends.find() ? ends.group(1) : null;
    }

    private String token(UUID invitationId) {
        return secretBox.open(((InvitationIssued) invitationEvents(invitationId, 1).get(0)).token());
    }

    private UUID invite(UUID org, String email, Map<String, Object> terms) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(terms);
        body.put("emails", java.util.List.of(email));
        body.put("roles", java.util.List.of("member"));
        JsonNode answer = web.post().uri("/api/v1/organizations/{org}/invitations", org)
                .headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        return UUID.fromString(answer.get("invitations").get(0).get("invitationId").asText());
    }
}
