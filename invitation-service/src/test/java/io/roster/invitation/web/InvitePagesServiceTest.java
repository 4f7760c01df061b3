package io.roster.invitation.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.RosterEvent;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.invitation.AbstractServiceTest;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server side of the {@code /invite} pages over HTTP, with the service's real security chains, Thymeleaf
 * views, event store and lookups: cookies and their attributes, the redirect of a visitor who is not logged in,
 * the session that takes only tokens the API would take, CSRF refusals, and the pages of unusable invitations
 * with their HTTP status. (The browser side, with the identity service, is local-stack's BrowserInvitationFlowIT.)
 */
class InvitePagesServiceTest extends AbstractServiceTest {

    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern DATA_CSRF = Pattern.compile("data-csrf-token=\"([^\"]+)\"");

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@pages.io");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    /** The shared client, with room for a loaded two-core machine (the default is 5 s). */
    private WebTestClient web;

    @BeforeEach
    void patientClientAndLogCapture() {
        web = super.web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void aVisitorWhoIsNotLoggedInGetsAThirtyMinuteCookieAndIsSentToSignUpWithLoginOneClickAway() {
        UUID org = organizationAdministeredBy(admin, "Pied Piper");
        String token = invitationToken(org, "richard@piedpiper.io");

        web.get().uri("/invite/{token}", token).exchange()
                .expectStatus().isSeeOther()
                .expectHeader().location("/invite/sign-up")
                .expectCookie().valueEquals(InviteCookies.INVITATION, token)
                .expectCookie().httpOnly(InviteCookies.INVITATION, true)
                .expectCookie().sameSite(InviteCookies.INVITATION, "Lax")
                .expectCookie().maxAge(InviteCookies.INVITATION, Duration.ofMinutes(30))
                .expectCookie().path(InviteCookies.INVITATION, "/invite")
                .expectCookie().secure(InviteCookies.INVITATION, false)
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer");

        EntityExchangeResult<String> signUp = web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, token).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                        + "img-src 'self'; connect-src 'self' http://127.0.0.1:8081; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                .expectCookie().httpOnly(InvitePagesSecurity.CSRF_COOKIE, true)
                .expectCookie().sameSite(InvitePagesSecurity.CSRF_COOKIE, "Lax")
                .expectCookie().path(InvitePagesSecurity.CSRF_COOKIE, "/invite")
                .expectBody(String.class).returnResult();
        assertThat(signUp.getResponseBody())
                .contains("id=\"sign-up-form\"", "Pied Piper", "r***@piedpiper.io")
                .contains("data-identity-url=\"http://127.0.0.1:8081\"", "data-invitation-token=\"" + token + "\"",
                        "data-continue-url=\"/invite/" + token + "\"", "data-csrf-parameter=\"_csrf\"")
                .contains("src=\"/invite/assets/invite.js\"", "href=\"/invite/login\"");
        csrfOf(signUp);

        web.get().uri("/invite/login").cookie(InviteCookies.INVITATION, token).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("id=\"login-form\"", "Pied Piper",
                        "href=\"/invite/sign-up\""));
        web.get().uri("/invite/assets/invite.js").exchange()
                .expectStatus().isOk().expectBody(String.class).value(js -> assertThat(js).contains("/api/v1/auth/sign-up"));

        // the cookie lapsed (or another browser): a clear page, not an empty form
        web.get().uri("/invite/sign-up").exchange()
                .expectStatus().isBadRequest()
                .expectBody(String.class).value(body -> assertThat(body).contains("Open your invitation link again")
                        .contains("data-code=\"invitation_missing\"").doesNotContain("sign-up-form"));
        assertThat(logged()).doesNotContain(token);
    }

    /**
     * Issue 17 item 8: the sign-up and login forms come filled in with the invited address and name, and once joined
     * the invitee is sent on to the organization's product address, which only its admins may set.
     */
    @Test
    void theFormsAreFilledInAndAJoinedInviteeGoesOnToTheOrganizationsProduct() {
        UUID org = organizationAdministeredBy(admin, "Product Co");
        JsonNode invited = invite(org, Map.of("invitees", List.of(Map.of("email", "pat@product.io", "firstName", "Pat", "lastName",
                "O'Neil")), "roles", List.of("member")));
        UUID invitationId = UUID.fromString(invited.get("invitations").get(0).get("invitationId").asText());
        String token = secretBox.open(((InvitationIssued) invitationEvents(invitationId, 1).get(0)).token());

        web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, token).exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("value=\"pat@product.io\"", "value=\"Pat\"", "value=\"O&#39;Neil\""));
        web.get().uri("/invite/login").cookie(InviteCookies.INVITATION, token).exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("value=\"pat@product.io\""));

        String settings = "/api/v1/organizations/{org}/invitation-settings";
        web.get().uri(settings, org).headers(h -> h.setBearerAuth(adminToken)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.afterJoinUrl").doesNotExist();
        for (String bad : List.of("javascript:alert(1)", "/relative", "https://app.product.io/#frag", "ftp://product.io/",
                "https://" + "x".repeat(2000) + ".io")) {
            web.patch().uri(settings, org).headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("afterJoinUrl", bad)).exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("afterJoinUrl");
        }
        UUID plainMember = UUID.randomUUID();
        publish(new io.roster.events.identity.MemberAdded(UUID.randomUUID(), java.time.Instant.now(), org, admin, plainMember,
                List.of("member"), List.of(), io.roster.events.identity.JoinPath.DIRECT, null), 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.isMember(org, plainMember));
        web.patch().uri(settings, org).headers(h -> h.setBearerAuth(tokenOf(plainMember, "plain@product.io")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("afterJoinUrl", "https://evil.example/"))
                .exchange().expectStatus().isForbidden();
        web.patch().uri(settings, org).headers(h -> h.setBearerAuth(tokenOf(UUID.randomUUID(), "stranger@else.io")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("afterJoinUrl", "https://evil.example/"))
                .exchange().expectStatus().isNotFound();
        web.patch().uri(settings, org).headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("afterJoinUrl", "https://app.product.io/welcome?from=invite")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.afterJoinUrl").isEqualTo("https://app.product.io/welcome?from=invite");

        String session = startSession(token, tokenOf(UUID.randomUUID(), "pat@product.io"));
        EntityExchangeResult<String> page = web.get().uri("/invite/{token}", token).cookie(InviteCookies.SESSION, session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        Csrf csrf = csrfOf(page, null);
        String expected = "https://app.product.io/welcome?from=invite&amp;organizationId=" + org;
        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, csrf.cookie()))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("You joined", "id=\"continue\"",
                        "href=\"" + expected + "\"", "content=\"3;url=" + expected + "\""));

        web.patch().uri(settings, org).headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"afterJoinUrl\":null}").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.afterJoinUrl").doesNotExist();
    }

    @Test
    void unknownRevokedAndExpiredInvitationsShowAPageSayingSoWithTheirHttpStatusAndSetNoCookie() {
        UUID org = organizationAdministeredBy(admin, "Hooli Pages");

        web.get().uri("/invite/{token}", SecretBox.newToken()).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectCookie().doesNotExist(InviteCookies.INVITATION)
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("This invitation link is not valid", "data-code=\"invitation_not_found\""));
        web.get().uri("/invite/{token}", "not a token").exchange().expectStatus().isNotFound();

        UUID revokedId = inviteOne(org, "gavin@hooli.io");
        String revoked = secretBox.open(((InvitationIssued) invitationEvents(revokedId, 1).get(0)).token());
        web.delete().uri("/api/v1/organizations/{org}/invitations/{id}", org, revokedId)
                .headers(h -> h.setBearerAuth(adminToken)).exchange().expectStatus().isOk();
        web.get().uri("/invite/{token}", revoked).exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE)
                .expectCookie().doesNotExist(InviteCookies.INVITATION)
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("This invitation was withdrawn", "data-code=\"invitation_revoked\"", "Hooli Pages"));

        UUID expiringId = invite(org, Map.of("emails", List.of("jared@hooli.io"), "roles", List.of("member"), "expiresInHours", 1))
                .get("invitations").get(0).get("invitationId").asText().transform(UUID::fromString);
        String expiring = secretBox.open(((InvitationIssued) invitationEvents(expiringId, 1).get(0)).token());
        clock.advance(Duration.ofHours(2));
        web.get().uri("/invite/{token}", expiring).exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE)
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("This invitation has expired", "data-code=\"invitation_expired\""));
        // also for a visitor who is logged in, and on the sign-up page of an invitation cookie that outlived it
        web.get().uri("/invite/{token}", expiring).cookie(InviteCookies.SESSION, tokenOf(UUID.randomUUID(), "jared@hooli.io"))
                .exchange().expectStatus().isEqualTo(HttpStatus.GONE);
        web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, expiring).exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE);
        assertThat(logged()).doesNotContain(revoked).doesNotContain(expiring);
    }

    @Test
    void aLoggedInVisitorSeesTheOrganizationAndAcceptsOnlyWithTheFormsCsrfToken() {
        UUID org = organizationAdministeredBy(admin, "Initech Pages");
        UUID invitationId = inviteOne(org, "peter@initech.io");
        String token = secretBox.open(((InvitationIssued) invitationEvents(invitationId, 1).get(0)).token());
        UUID peter = UUID.randomUUID();
        String session = startSession(token, tokenOf(peter, "Peter@Initech.io"));

        EntityExchangeResult<String> page = web.get().uri("/invite/{token}", token)
                .cookie(InviteCookies.SESSION, session).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectBody(String.class).returnResult();
        assertThat(page.getResponseBody())
                .contains("Initech Pages", "member", "Peter@Initech.io", "id=\"accept-form\"",
                        "action=\"/invite/" + token + "/accept\"")
                .containsPattern(HIDDEN_CSRF);
        Csrf csrf = csrfOf(page, null);

        // no token in the form, a token from another cookie, no cookie at all: refused, nothing accepted
        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, csrf.cookie()))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody(String.class).value(body -> assertThat(body).contains("data-code=\"csrf_refused\""));
        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, UUID.randomUUID().toString()))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange().expectStatus().isForbidden();
        web.post().uri("/invite/{token}/accept", token)
                .cookie(InviteCookies.SESSION, session)
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange().expectStatus().isForbidden();
        web.get().uri("/api/v1/invitations/{token}", token).exchange()
                .expectBody().jsonPath("$.status").isEqualTo("pending");

        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, csrf.cookie(),
                        InviteCookies.INVITATION, token))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange()
                .expectStatus().isOk()
                .expectCookie().maxAge(InviteCookies.INVITATION, Duration.ZERO)
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("You joined", "Initech Pages", "data-organization-id=\"" + org + "\""));
        web.get().uri("/api/v1/invitations/{token}", token).exchange()
                .expectBody().jsonPath("$.status").isEqualTo("accepted");
        List<RosterEvent> events = invitationEvents(invitationId, 2);
        assertThat(events.get(1)).isInstanceOfSatisfying(InvitationAccepted.class, e -> assertThat(e.userId()).isEqualTo(peter));

        // accepted already: the same visitor still gets the page and accepting again answers the same
        web.get().uri("/invite/{token}", token).cookie(InviteCookies.SESSION, session).exchange()
                .expectStatus().isOk().expectBody(String.class).value(body -> assertThat(body).contains("id=\"accept-form\""));
        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, csrf.cookie()))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange().expectStatus().isOk();
        assertThat(invitationRecords(invitationId, 2)).hasSize(2);
        // a stranger who is not logged in learns it was used
        web.get().uri("/invite/{token}", token).exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE)
                .expectBody(String.class).value(body -> assertThat(body).contains("data-code=\"invitation_used\""));
        assertThat(logged()).doesNotContain(token);
    }

    @Test
    void theSessionTakesOnlyTokensTheApiWouldTakeAndOnlyWithTheCsrfToken() {
        UUID org = organizationAdministeredBy(admin, "Session Co");
        String token = invitationToken(org, "sam@session.io");
        Csrf csrf = csrfOf(web.get().uri("/invite/login").cookie(InviteCookies.INVITATION, token).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult());
        UUID sam = UUID.randomUUID();

        for (String refused : List.of(TestTokenIssuer.get().expiredTokenFor(sam, "sam@session.io"),
                TestTokenIssuer.tokenSignedByAnotherKey(sam, "sam@session.io"), "not-a-jwt")) {
            web.post().uri("/invite/session").cookie(InvitePagesSecurity.CSRF_COOKIE, csrf.cookie())
                    .body(BodyInserters.fromFormData("accessToken", refused).with("_csrf", csrf.field()))
                    .exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().doesNotExist("Set-Cookie")
                    .expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
        }
        web.post().uri("/invite/session").cookie(InvitePagesSecurity.CSRF_COOKIE, csrf.cookie())
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed");
        // login CSRF: a cross-site form cannot plant its own session
        web.post().uri("/invite/session")
                .body(BodyInserters.fromFormData("accessToken", tokenOf(sam, "sam@session.io")))
                .exchange().expectStatus().isForbidden().expectHeader().doesNotExist("Set-Cookie");

        String accessToken = tokenOf(sam, "sam@session.io");
        web.post().uri("/invite/session").cookie(InvitePagesSecurity.CSRF_COOKIE, csrf.cookie())
                .body(BodyInserters.fromFormData("accessToken", accessToken).with("_csrf", csrf.field()))
                .exchange()
                .expectStatus().isNoContent()
                .expectCookie().valueEquals(InviteCookies.SESSION, accessToken)
                .expectCookie().httpOnly(InviteCookies.SESSION, true)
                .expectCookie().sameSite(InviteCookies.SESSION, "Lax")
                .expectCookie().path(InviteCookies.SESSION, "/invite")
                .expectHeader().value("Set-Cookie", header -> assertThat(maxAgeOf(header))
                        .as("as long as the token: the test issuer's are valid 15 minutes").isBetween(800L, 900L));

        // an expired or forged session cookie is no session: the visitor is asked to log in again
        web.get().uri("/invite/{token}", token).cookie(InviteCookies.SESSION, TestTokenIssuer.get().expiredTokenFor(sam, "sam@session.io"))
                .exchange().expectStatus().isSeeOther().expectHeader().location("/invite/sign-up");
        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, TestTokenIssuer.tokenSignedByAnotherKey(sam, "sam@session.io"),
                        InvitePagesSecurity.CSRF_COOKIE, csrf.cookie()))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange().expectStatus().isSeeOther().expectHeader().location("/invite/" + token);
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectBody().jsonPath("$.status").isEqualTo("pending");
        assertThat(logged()).doesNotContain(token).doesNotContain(accessToken);
    }

    @Test
    void anotherAddressIsRefusedOnThePageWithoutUsingTheInvitationAndCanLogOut() {
        UUID org = organizationAdministeredBy(admin, "Mismatch Inc");
        String token = invitationToken(org, "anna@mismatch.io");
        String session = startSession(token, tokenOf(UUID.randomUUID(), "milton@mismatch.io"));
        EntityExchangeResult<String> page = web.get().uri("/invite/{token}", token).cookie(InviteCookies.SESSION, session)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult();
        Csrf csrf = csrfOf(page, null);

        web.post().uri("/invite/{token}/accept", token)
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, csrf.cookie()))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("data-code=\"email_mismatch\"", "milton@mismatch.io", "id=\"logout-form\""));
        web.get().uri("/api/v1/invitations/{token}", token).exchange().expectBody().jsonPath("$.status").isEqualTo("pending");

        web.post().uri("/invite/logout")
                .cookies(jar(InviteCookies.SESSION, session, InvitePagesSecurity.CSRF_COOKIE, csrf.cookie()))
                .body(BodyInserters.fromFormData("_csrf", csrf.field()).with("token", token))
                .exchange()
                .expectStatus().isSeeOther()
                .expectHeader().location("/invite/" + token)
                .expectCookie().maxAge(InviteCookies.SESSION, Duration.ZERO);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The CSRF pair of a rendered page: the cookie's raw value and the form's masked copy. */
    private record Csrf(String cookie, String field) {
    }

    /** For a page whose response set the CSRF cookie. */
    private static Csrf csrfOf(EntityExchangeResult<String> page) {
        return csrfOf(page, null);
    }

    private static Csrf csrfOf(EntityExchangeResult<String> page, String cookieSent) {
        ResponseCookie set = page.getResponseCookies().getFirst(InvitePagesSecurity.CSRF_COOKIE);
        String cookie = set != null ? set.getValue() : cookieSent;
        Matcher field = HIDDEN_CSRF.matcher(page.getResponseBody());
        Matcher data = DATA_CSRF.matcher(page.getResponseBody());
        String masked = field.find() ? field.group(1) : data.find() ? data.group(1) : null;
        assertThat(cookie).as("CSRF cookie").isNotBlank();
        assertThat(masked).as("CSRF token in the page").isNotBlank().isNotEqualTo(cookie);
        return new Csrf(cookie, masked);
    }

    /** Logs in as the pages' script does after the identity service gave it {@code accessToken}. */
    private String startSession(String invitationToken, String accessToken) {
        Csrf csrf = csrfOf(web.get().uri("/invite/sign-up").cookie(InviteCookies.INVITATION, invitationToken).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult());
        return web.post().uri("/invite/session").cookie(InvitePagesSecurity.CSRF_COOKIE, csrf.cookie())
                .body(BodyInserters.fromFormData("accessToken", accessToken).with("_csrf", csrf.field()))
                .exchange().expectStatus().isNoContent()
                .returnResult(Void.class).getResponseCookies().getFirst(InviteCookies.SESSION).getValue();
    }

    /** Cookies the browser would send: name, value, name, value… */
    private static java.util.function.Consumer<org.springframework.util.MultiValueMap<String, String>> jar(String... namesAndValues) {
        return cookies -> {
            for (int i = 0; i < namesAndValues.length; i += 2) {
                cookies.add(namesAndValues[i], namesAndValues[i + 1]);
            }
        };
    }

    private static long maxAgeOf(String setCookie) {
        Matcher maxAge = Pattern.compile("Max-Age=(\\d+)").matcher(setCookie);
        assertThat(maxAge.find()).as(setCookie).isTrue();
        return Long.parseLong(maxAge.group(1));
    }

    private String logged() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            all.append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                all.append(event.getThrowableProxy().getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    private String invitationToken(UUID org, String email) {
        return secretBox.open(((InvitationIssued) invitationEvents(inviteOne(org, email), 1).get(0)).token());
    }

    private UUID inviteOne(UUID org, String email) {
        JsonNode body = invite(org, Map.of("emails", List.of(email), "roles", List.of("member")));
        assertThat(body.get("invitations")).as("invited %s: %s", email, body).hasSize(1);
        return UUID.fromString(body.get("invitations").get(0).get("invitationId").asText());
    }

    private JsonNode invite(UUID org, Map<String, Object> body) {
        return web.post().uri("/api/v1/organizations/{org}/invitations", org)
                .headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(new LinkedHashMap<>(body)).exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
