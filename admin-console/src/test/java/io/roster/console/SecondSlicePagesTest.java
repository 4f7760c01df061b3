package io.roster.console;

import static io.roster.console.StandInApi.items;
import static org.assertj.core.api.Assertions.assertThat;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * The teams, invitations and links pages render what the API answers, for an admin, and send the API what the forms
 * say. The API here is a stand-in answering fixed JSON (the whole stack's behaviour is AdminConsoleBrowserIT's); it
 * records each call so the tests can check the method, path and body the console sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecondSlicePagesTest {

    private static final String ORG = "00000000-0000-0000-0000-0000000000a1";
    private static final String TEAM = "00000000-0000-0000-0000-0000000000b1";
    private static final String INVITATION = "00000000-0000-0000-0000-0000000000c1";
    private static final String LINK = "00000000-0000-0000-0000-0000000000d1";
    private static final String USER = "00000000-0000-0000-0000-00000000000a";
    @RegisterExtension
    private static final StandInApi API = StandInApi.start(SecondSlicePagesTest::answer);
    private static final List<String> CALLS = API.calls();
    /** Whether the stand-in's memberships make the signed-in person an admin of the organization. */
    private static volatile boolean admin = true;

    @Autowired
    WebTestClient web;
    private SignedInSession signedIn;
    private String session;
    private String csrf;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        API.pointConsoleAt(registry);
    }


    /** Signs in as an admin of the organization (the stand-in's memberships say so). */
    @BeforeEach
    void signedInAdmin() {
        web = web.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
        signedIn = SignedInSession.signIn(web, "ann@example.com", "secret");
        session = signedIn.id();
        csrf = signedIn.csrf();
        CALLS.clear();
        admin = true;
    }

    @Test
    void aMemberSearchWithSpacesAndAccentsReachesTheApiEncodedOnce() {
        // the search as a browser sends it: the address's template encoded once, the value strictly
        web.get().uri(uri -> uri.path("/console/organizations/{org}/members").query("q={q}").build(ORG, "José Ann+co"))
                .cookie("ROSTER_CONSOLE_SESSION", session).exchange().expectStatus().isOk();
        assertThat(CALLS).contains("GET /api/v1/organizations/" + ORG + "/members?limit=200&q=Jos%C3%A9%20Ann%2Bco");
    }

    @Test
    void theTeamsPageListsTeamsWithTheirMemberCountsAndAsksBeforeDeleting() {
        String page = get("/console/organizations/" + ORG + "/teams?delete=" + TEAM);
        assertThat(page).contains("data-name=\"Platform\"").contains(">3</td>").contains("Delete team Platform?")
                .contains("3 members leave the team").contains("<label for=\"team-name\">");
        post("/console/organizations/" + ORG + "/teams/" + TEAM + "/rename", "name", "Platform Ops");
        assertThat(CALLS).contains("PATCH /api/v1/organizations/" + ORG + "/teams/" + TEAM + " {\"name\":\"Platform Ops\"}");
    }

    @Test
    void aTakenTeamNameIsShownInTheTeamsRowWithWhatWasTyped() {
        String page = web.post().uri("/console/organizations/" + ORG + "/teams/" + TEAM + "/rename").cookie("ROSTER_CONSOLE_SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf).with("name", "platform"))
                .exchange().expectStatus().isEqualTo(409).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"rename-problem\"").contains("data-code=\"team_name_taken\"").contains("value=\"platform\"");
    }

    @Test
    void aPlainMemberSeesTheTeamsWithoutControlsAndTheInvitationsAndLinksNotAtAll() {
        admin = false;
        assertThat(get("/console/organizations/" + ORG + "/teams")).contains("id=\"read-only\"").contains("data-name=\"Platform\"")
                .doesNotContain("create-team-form").doesNotContain("rename-button-");
        assertThat(get("/console/organizations/" + ORG + "/invitations")).contains("id=\"read-only\"").doesNotContain("invitations-table");
        assertThat(get("/console/organizations/" + ORG + "/links")).contains("id=\"read-only\"").doesNotContain("links-table")
                .doesNotContain("create-link-form");
        assertThat(CALLS).as("no read the API would refuse").noneMatch(call -> call.contains("/invitations?") || call.contains("/invitation-links?"));
    }

    @Test
    void theInvitationsPageShowsPendingInvitationsWithExpiryResendCountAndActions() {
        String page = get("/console/organizations/" + ORG + "/invitations");
        assertThat(page).contains("data-email=\"ivy@example.com\"").contains("datetime=\"2030-01-02T03:04:05Z\"")
                .contains("2 times").contains("id=\"resend-" + INVITATION + "\"").contains("id=\"revoke-" + INVITATION + "\"");
        assertThat(CALLS).anyMatch(call -> call.startsWith("GET /api/v1/organizations/" + ORG + "/invitations?limit=200&status=pending"));
        assertThat(get("/console/organizations/" + ORG + "/invitations?revoke=" + INVITATION))
                .contains("Revoke the invitation of ivy@example.com?").contains("id=\"confirm-revoke-invitation\"");
        post("/console/organizations/" + ORG + "/invitations/" + INVITATION + "/revoke");
        assertThat(CALLS).anyMatch(call -> call.startsWith("DELETE /api/v1/organizations/" + ORG + "/invitations/" + INVITATION));
    }

    @Test
    void theLinksPageShowsAudienceUsageAndStatusAndFetchesTheAddressOnlyWhenAsked() {
        String page = get("/console/organizations/" + ORG + "/links");
        assertThat(page).contains("domain: partner.example").contains("2 / 5").contains("id=\"toggle-" + LINK + "\"")
                .doesNotContain("https://roster.example/invite/");
        String fragment = web.get().uri("/console/organizations/" + ORG + "/links/" + LINK + "/url").header("HX-Request", "true")
                .cookie("ROSTER_CONSOLE_SESSION", session).exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(fragment).contains("value=\"https://roster.example/invite/secret-token\"").doesNotContain("<html");
        post("/console/organizations/" + ORG + "/links/" + LINK + "/status", "status", "disabled");
        assertThat(CALLS).contains("PUT /api/v1/organizations/" + ORG + "/invitation-links/" + LINK + "/status {\"status\":\"disabled\"}");
    }

    @Test
    void aLinkWithABadQuotaIsRefusedBesideTheFormWithoutACall() {
        String page = web.post().uri("/console/organizations/" + ORG + "/links").cookie("ROSTER_CONSOLE_SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf).with("name", "Partners").with("quota", "0"))
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"create-problem\"").contains("at least 1");
        assertThat(CALLS).noneMatch(call -> call.startsWith("POST"));
    }

    private String get(String path) {
        return signedIn.get(path);
    }

    private void post(String path, String... fields) {
        signedIn.post(path, fields).expectStatus().isSeeOther();
    }

    private static Answer answer(Request request) {
        String path = request.path();
        String body = request.body();
        String json;
        int status = 200;
        if (request.method().equals("PATCH") && body.contains("\"platform\"")) {
            status = 409;
            json = "{\"status\":409,\"code\":\"team_name_taken\",\"detail\":\"A team named platform exists.\"}";
        } else if (path.startsWith("/api/v1/auth/token")) {
            return Answer.token(USER, "ann@example.com", false, 3600);
        } else if (!request.method().equals("GET")) {
            json = "{}";
        } else if (path.startsWith("/api/v1/organizations?")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"name\":\"Console Co\"}");
        } else if (path.startsWith("/api/v1/users/")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"roles\":[\"" + (admin ? "admin" : "member") + "\"]}");
        } else if (path.contains("/teams")) {
            json = items("{\"teamId\":\"" + TEAM + "\",\"name\":\"Platform\",\"memberCount\":3}");
        } else if (path.contains("/invitation-links/" + LINK + "/url")) {
            json = "{\"linkId\":\"" + LINK + "\",\"url\":\"https://roster.example/invite/secret-token\"}";
        } else if (path.contains("/invitation-links")) {
            json = items("{\"linkId\":\"" + LINK + "\",\"name\":\"Partners\",\"emails\":[\"*@partner.example\"],\"expiresAt\":null,"
                    + "\"quota\":5,\"used\":2,\"roles\":[\"member\"],\"teamIds\":[],\"status\":\"enabled\"}");
        } else if (path.contains("/invitations")) {
            json = items("{\"invitationId\":\"" + INVITATION + "\",\"email\":\"ivy@example.com\",\"roles\":[\"member\"],"
                    + "\"status\":\"pending\",\"expiresAt\":\"2030-01-02T03:04:05Z\",\"resendCount\":2}");
        } else {
            json = items();
        }
        return new Answer(status, json);
    }

}
