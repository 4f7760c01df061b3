package io.roster.console;

import static io.roster.console.StandInApi.items;
import static org.assertj.core.api.Assertions.assertThat;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.time.Duration;
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
 * The fourth slice's edits against a stand-in API answering fixed JSON (the whole stack's behaviour is
 * AdminConsoleBrowserIT's): a member's roles, teams and end date changed in the row, the last-admin refusal shown in
 * that row; creating a user; editing a pending invitation and resending many; editing a link back to "never expires"
 * and "unlimited", a quota below the uses so far refused beside the quota field. The calls the forms make carry what
 * the forms say, bad input is refused without a call, and a plain member gets no such control.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FourthSlicePagesTest {

    private static final String ORG = "00000000-0000-0000-0000-0000000000a1";
    private static final String OTHER_ORG = "00000000-0000-0000-0000-0000000000a2";
    private static final String TEAM = "00000000-0000-0000-0000-0000000000b1";
    private static final String INVITATION = "00000000-0000-0000-0000-0000000000c1";
    private static final String EXPIRED = "00000000-0000-0000-0000-0000000000c2";
    private static final String LINK = "00000000-0000-0000-0000-0000000000d1";
    /** The signed-in admin, the organization's last admin. */
    private static final String USER = "00000000-0000-0000-0000-00000000000a";
    private static final String BOB = "00000000-0000-0000-0000-00000000000b";
    @RegisterExtension
    private static final StandInApi API = StandInApi.start(FourthSlicePagesTest::answer);
    private static final List<String> CALLS = API.calls();
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


    @BeforeEach
    void signedInAdmin() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        signedIn = SignedInSession.signIn(web, "ann@example.com", "secret");
        session = signedIn.id();
        csrf = signedIn.csrf();
        CALLS.clear();
        admin = true;
    }

    // --- members: roles, teams and end date in the row; creating a user ------------------------------------------

    @Test
    void eachMembersRowShowsItsEndDateAndOffersItsRolesTeamsAndEndDateChecked() {
        String page = get("/console/organizations/" + ORG + "/members");
        assertThat(page).contains("datetime=\"2027-02-01T00:00:00Z\"").contains("id=\"open-edit-" + BOB + "\"")
                .contains("id=\"expires-" + BOB + "\"").contains("value=\"2027-01-31\"")
                .contains("id=\"edit-form-" + BOB + "\"").contains("id=\"expiry-form-" + BOB + "\"")
                .contains("id=\"clear-expiry-" + BOB + "\"").doesNotContain("id=\"clear-expiry-" + USER + "\"")
                .containsPattern("id=\"edit-team-" + TEAM + "-" + BOB + "\"[^>]*checked")
                .containsPattern("id=\"edit-role-member-" + BOB + "\"[^>]*checked")
                .doesNotContainPattern("id=\"edit-role-admin-" + BOB + "\"[^>]*checked")
                .contains("<label for=\"expires-" + BOB + "\">");
    }

    @Test
    void savingARowPutsItsRolesThenItsTeams() {
        post("/console/organizations/" + ORG + "/members/" + BOB + "/edit", "email", "bob@example.com", "roles", "admin", "roles", "member");
        assertThat(CALLS).containsSubsequence(
                "PUT /api/v1/organizations/" + ORG + "/members/" + BOB + "/roles {\"roles\":[\"admin\",\"member\"]}",
                "PUT /api/v1/organizations/" + ORG + "/members/" + BOB + "/teams {\"teamIds\":[]}");
        assertThat(get("/console/organizations/" + ORG + "/members")).contains("Saved the roles (admin, member) and teams of bob@example.com.");
    }

    @Test
    void theLastAdminsRoleChangeIsRefusedInTheirRowAndTheTeamsAreLeftAlone() {
        String page = refused("/console/organizations/" + ORG + "/members/" + USER + "/edit", 409, "roles", "member", "teamIds", TEAM);
        assertThat(page).contains("id=\"row-problem-" + USER + "\"").contains("data-code=\"last_admin\"")
                .contains("an organization must keep at least one admin")
                .containsPattern("<details[^>]*id=\"edit-" + USER + "\"[^>]*open");
        assertThat(CALLS).noneMatch(call -> call.contains("/teams {"));
    }

    @Test
    void aRowWithNoRoleIsRefusedWithoutACall() {
        String page = refused("/console/organizations/" + ORG + "/members/" + BOB + "/edit", 400, "teamIds", TEAM);
        assertThat(page).contains("id=\"row-problem-" + BOB + "\"").contains("Choose at least one role");
        assertThat(CALLS).noneMatch(call -> call.startsWith("PUT"));
    }

    @Test
    void theEndDateIsTheLastDayOnTheViewersCalendarAndNoEndDateSendsNull() {
        post("/console/organizations/" + ORG + "/members/" + BOB + "/expiry", "expiresOn", "2027-03-31", "zone", "Asia/Tokyo");
        assertThat(CALLS).contains("PUT /api/v1/organizations/" + ORG + "/members/" + BOB + "/expiry {\"expiresAt\":\"2027-03-31T15:00:00Z\"}");
        post("/console/organizations/" + ORG + "/members/" + BOB + "/expiry", "expiresOn", "2027-03-31", "clear", "true");
        assertThat(CALLS).contains("PUT /api/v1/organizations/" + ORG + "/members/" + BOB + "/expiry {\"expiresAt\":null}");
    }

    @Test
    void theLastAdminsEndDateIsRefusedInTheirRowAndADateThatIsNoDateWithoutACall() {
        String page = refused("/console/organizations/" + ORG + "/members/" + USER + "/expiry", 409, "expiresOn", "2027-03-31");
        assertThat(page).contains("id=\"row-problem-" + USER + "\"").contains("data-code=\"last_admin\"");
        CALLS.clear();
        String notADate = refused("/console/organizations/" + ORG + "/members/" + BOB + "/expiry", 400, "expiresOn", "next spring");
        assertThat(notADate).contains("id=\"row-problem-" + BOB + "\"").contains("is not a date");
        assertThat(CALLS).noneMatch(call -> call.startsWith("PUT"));
    }

    @Test
    void theAddFormSendsItsOptionalEndDate() {
        post("/console/organizations/" + ORG + "/members/add", "email", "cy@example.com", "roles", "member", "expiresOn", "2027-06-30",
                "zone", "UTC");
        assertThat(CALLS).anyMatch(call -> call.startsWith("POST /api/v1/organizations/" + ORG + "/members ")
                && call.contains("\"expiresAt\":\"2027-07-01T00:00:00Z\""));
    }

    @Test
    void aCreatedUserGetsAMembershipInEachOrganizationPickedAndProviderRolesAreNotOfferedToAnOrganizationAdmin() {
        String page = get("/console/organizations/" + ORG + "/members");
        assertThat(page).contains("id=\"create-user-form\"").contains("<label for=\"create-first-name\">")
                .contains("id=\"create-organization-" + OTHER_ORG + "\"").doesNotContain("create-provider-roles");
        post("/console/organizations/" + ORG + "/members/create-user", "firstName", "Zed", "lastName", "Tester", "email", "zed@example.com",
                "organizationIds", ORG, "organizationIds", OTHER_ORG, "roles", "member");
        assertThat(CALLS).contains("POST /api/v1/users {\"firstName\":\"Zed\",\"lastName\":\"Tester\",\"email\":\"zed@example.com\","
                + "\"memberships\":[{\"organizationId\":\"" + ORG + "\",\"roles\":[\"member\"]},{\"organizationId\":\"" + OTHER_ORG
                + "\",\"roles\":[\"member\"]}]}");
        assertThat(get("/console/organizations/" + ORG + "/members")).contains("Created the account of zed@example.com (2 organizations)");
    }

    @Test
    void aUserWithoutANameIsRefusedWithWhatWasTypedAndATakenAddressShowsTheApisMessage() {
        String page = refused("/console/organizations/" + ORG + "/members/create-user", 400, "firstName", "", "lastName", "Tester",
                "email", "zed@example.com", "organizationIds", ORG);
        assertThat(page).contains("id=\"create-problem\"").contains("Enter the first name.").contains("value=\"zed@example.com\"")
                .containsPattern("<details id=\"create-user\"[^>]*open");
        assertThat(CALLS).noneMatch(call -> call.startsWith("POST"));
        String taken = refused("/console/organizations/" + ORG + "/members/create-user", 409, "firstName", "Ann", "lastName", "Tester",
                "email", "taken@example.com", "organizationIds", ORG);
        assertThat(taken).contains("id=\"create-problem\"").contains("data-code=\"email_taken\"").contains("already has an account");
    }

    @Test
    void aPlainMemberGetsNoEditCreateOrResendControl() {
        admin = false;
        assertThat(get("/console/organizations/" + ORG + "/members")).contains("id=\"read-only\"").doesNotContain("open-edit-")
                .doesNotContain("create-user-form").doesNotContain("expiry-form-").doesNotContain("edit-form-");
        assertThat(get("/console/organizations/" + ORG + "/invitations")).doesNotContain("bulk-resend-form").doesNotContain("edit-invitation-");
        assertThat(get("/console/organizations/" + ORG + "/links")).doesNotContain("edit-link-");
    }

    @Test
    void aPlainMembersForgedEditsShowTheApisRefusal() {
        admin = false;
        assertThat(refused("/console/organizations/" + ORG + "/members/" + BOB + "/edit", 403, "roles", "admin"))
                .contains("id=\"refused-problem\"").contains("data-code=\"forbidden\"");
        assertThat(refused("/console/organizations/" + ORG + "/members/create-user", 403, "firstName", "Yan", "lastName", "Tester",
                "email", "yan@example.com", "organizationIds", ORG)).contains("id=\"create-problem\"").contains("data-code=\"forbidden\"");
        assertThat(refused("/console/organizations/" + ORG + "/invitations/" + INVITATION + "/edit", 403, "roles", "admin"))
                .contains("data-code=\"forbidden\"");
        assertThat(refused("/console/organizations/" + ORG + "/invitations/resend", 403, "status", "expired"))
                .contains("data-code=\"forbidden\"");
        assertThat(refused("/console/organizations/" + ORG + "/links/" + LINK + "/edit", 403, "name", "Mine", "roles", "member", "quota", ""))
                .contains("data-code=\"forbidden\"");
    }

    // --- pending invitations: edit, bulk resend ---------------------------------------------------------------

    @Test
    void aPendingInvitationIsEditedInItsRowAndOnlyTheExpiryTypedIsSent() {
        String page = get("/console/organizations/" + ORG + "/invitations?status=all");
        assertThat(page).contains("id=\"edit-invitation-" + INVITATION + "\"").doesNotContain("id=\"edit-invitation-" + EXPIRED + "\"")
                .containsPattern("id=\"invitation-team-" + TEAM + "-" + INVITATION + "\"[^>]*checked")
                .contains("id=\"select-" + INVITATION + "\"").contains("id=\"select-" + EXPIRED + "\"");
        post("/console/organizations/" + ORG + "/invitations/" + INVITATION + "/edit", "email", "ivy@example.com",
                "roles", "billing-manager", "expiresOn", "");
        post("/console/organizations/" + ORG + "/invitations/" + INVITATION + "/edit", "email", "ivy@example.com",
                "roles", "member", "teamIds", TEAM, "expiresOn", "2030-03-01", "zone", "UTC");
        assertThat(CALLS).contains(
                "PATCH /api/v1/organizations/" + ORG + "/invitations/" + INVITATION + " {\"roles\":[\"billing-manager\"],\"teamIds\":[]}",
                "PATCH /api/v1/organizations/" + ORG + "/invitations/" + INVITATION + " {\"roles\":[\"member\"],\"teamIds\":[\"" + TEAM
                        + "\"],\"expiresAt\":\"2030-03-02T00:00:00Z\"}");
        assertThat(get("/console/organizations/" + ORG + "/invitations")).contains("Saved the invitation of ivy@example.com");
    }

    @Test
    void theSelectedInvitationsAreResentAndTheReportSaysWhatBecameOfEach() {
        String page = web.post().uri("/console/organizations/" + ORG + "/invitations/resend").cookie("ROSTER_CONSOLE_SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf).with("invitationIds", INVITATION).with("invitationIds", EXPIRED)
                        .with("emails", INVITATION + " ivy@example.com").with("emails", EXPIRED + " old@example.com"))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(CALLS).contains("POST /api/v1/organizations/" + ORG + "/invitations/resend {\"invitationIds\":[\"" + INVITATION
                + "\",\"" + EXPIRED + "\"]}");
        assertThat(page).contains("id=\"resend-report\"").contains("Resent 1 of 2 selected")
                .containsPattern("data-invitation-id=\"" + EXPIRED + "\" data-outcome=\"resent\"")
                .containsPattern("data-invitation-id=\"" + INVITATION + "\" data-outcome=\"invitation_revoked\"")
                .contains("<td>ivy@example.com</td>").contains("The invitation was revoked.");
    }

    @Test
    void resendAllExpiredAsksTheApiByStatusAndNothingSelectedIsRefusedWithoutACall() {
        String page = web.post().uri("/console/organizations/" + ORG + "/invitations/resend").cookie("ROSTER_CONSOLE_SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf).with("status", "expired").with("invitationIds", INVITATION))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(CALLS).contains("POST /api/v1/organizations/" + ORG + "/invitations/resend {\"status\":\"expired\"}");
        assertThat(page).contains("(every expired invitation)");
        CALLS.clear();
        String nothing = refused("/console/organizations/" + ORG + "/invitations/resend", 400);
        assertThat(nothing).contains("id=\"resend-problem\"").contains("Select the invitations to resend first");
        assertThat(CALLS).noneMatch(call -> call.startsWith("POST"));
    }

    // --- links: edit, back to never expires and unlimited ----------------------------------------------------

    @Test
    void aLinkGoesBackToNeverExpiresAndUnlimitedWithNullsInTheMergePatch() {
        String page = get("/console/organizations/" + ORG + "/links");
        assertThat(page).contains("id=\"edit-link-" + LINK + "\"").contains("value=\"2027-01-31\"").contains("2 used so far")
                .contains("<label for=\"link-quota-" + LINK + "\">");
        post("/console/organizations/" + ORG + "/links/" + LINK + "/edit", "name", "Partners 2027", "emails", "*@partner.example\nann@x.io",
                "roles", "member", "expiresOn", "2027-01-31", "shownExpiresOn", "2027-01-31", "neverExpires", "true", "quota", "");
        assertThat(CALLS).contains("PATCH /api/v1/organizations/" + ORG + "/invitation-links/" + LINK
                + " {\"name\":\"Partners 2027\",\"emails\":[\"*@partner.example\",\"ann@x.io\"],\"roles\":[\"member\"],\"teamIds\":[],"
                + "\"quota\":null,\"expiresAt\":null}");
        assertThat(get("/console/organizations/" + ORG + "/links")).contains("Saved the link Partners 2027: unlimited uses, never expires.");
    }

    @Test
    void anUnchangedDateLeavesTheExpiryOutAndANewOneSendsItsEnd() {
        post("/console/organizations/" + ORG + "/links/" + LINK + "/edit", "name", "Partners", "roles", "member", "expiresOn", "2027-01-31",
                "shownExpiresOn", "2027-01-31", "quota", "7");
        post("/console/organizations/" + ORG + "/links/" + LINK + "/edit", "name", "Partners", "roles", "member", "expiresOn", "2027-05-31",
                "shownExpiresOn", "2027-01-31", "neverExpires", "true", "quota", "7", "zone", "UTC");
        assertThat(CALLS).contains(
                "PATCH /api/v1/organizations/" + ORG + "/invitation-links/" + LINK
                        + " {\"name\":\"Partners\",\"emails\":[],\"roles\":[\"member\"],\"teamIds\":[],\"quota\":7}",
                "PATCH /api/v1/organizations/" + ORG + "/invitation-links/" + LINK
                        + " {\"name\":\"Partners\",\"emails\":[],\"roles\":[\"member\"],\"teamIds\":[],\"quota\":7,"
                        + "\"expiresAt\":\"2027-06-01T00:00:00Z\"}");
    }

    @Test
    void aQuotaBelowTheUsesSoFarIsRefusedBesideTheQuotaFieldAndANonNumberWithoutACall() {
        String page = refused("/console/organizations/" + ORG + "/links/" + LINK + "/edit", 400, "name", "Partners", "roles", "member", "quota", "1",
                "expiresOn", "", "shownExpiresOn", "2027-01-31");
        assertThat(page).contains("id=\"quota-problem-" + LINK + "\"").contains("Quota: must be at least 1 and at least the 2 uses so far")
                .containsPattern("<details[^>]*id=\"edit-" + LINK + "\"[^>]*open");
        CALLS.clear();
        String notANumber = refused("/console/organizations/" + ORG + "/links/" + LINK + "/edit", 400, "name", "Partners", "roles", "member",
                "quota", "-3");
        assertThat(notANumber).contains("id=\"quota-problem-" + LINK + "\"").contains("a whole number of uses");
        assertThat(CALLS).noneMatch(call -> call.startsWith("PATCH"));
    }

    // --- the email delivery log pages with the API's cursor -------------------------------------------------

    @Test
    void theDeliveryLogOffersOlderEmailsWithTheApisCursorKeepingTheStatusFilter() {
        String newest = get("/console/organizations/" + ORG + "/email?status=sent");
        assertThat(newest).contains("data-recipient=\"new@example.com\"").contains("id=\"delivery-older\"")
                .contains("status=sent&amp;cursor=page-2").doesNotContain("id=\"delivery-newest\"");
        String older = get("/console/organizations/" + ORG + "/email?status=sent&cursor=page-2");
        assertThat(CALLS).anyMatch(call -> call.startsWith("GET /api/v1/organizations/" + ORG + "/notifications?limit=50&status=sent&cursor=page-2"));
        assertThat(older).contains("data-recipient=\"old@example.com\"").contains("older emails shown")
                .contains("id=\"delivery-newest\"").doesNotContain("id=\"delivery-older\"");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A form post the console answers with a page (a refusal): its status and body. */
    private String refused(String path, int status, String... fields) {
        return signedIn.post(path, fields).expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
    }

    private String get(String path) {
        return signedIn.get(path);
    }

    private void post(String path, String... fields) {
        signedIn.post(path, fields).expectStatus().isSeeOther();
    }

    private static Answer answer(Request request) {
        String path = request.path();
        String method = request.method();
        String body = request.body();
        String json;
        int status = 200;
        if (path.startsWith("/api/v1/auth/token")) {
            return Answer.token(USER, "ann@example.com", false, 3600);
        } else if (!admin && !method.equals("GET")) {
            status = 403;
            json = "{\"status\":403,\"code\":\"forbidden\",\"detail\":\"Only admins may do this.\"}";
        } else if (method.equals("PUT") && path.contains("/members/" + USER + "/") && !body.contains("\"admin\"")
                && !body.contains("teamIds") && !body.contains("\"expiresAt\":null")) {
            status = 409;
            json = "{\"status\":409,\"code\":\"last_admin\",\"detail\":\"This member is the organization's last admin;"
                    + " make someone else an admin first.\"}";
        } else if (method.equals("POST") && path.equals("/api/v1/users") && body.contains("taken@example.com")) {
            status = 409;
            json = "{\"status\":409,\"code\":\"email_taken\",\"detail\":\"taken@example.com already has an account.\"}";
        } else if (method.equals("PATCH") && path.contains("/invitation-links/") && body.matches(".*\"quota\":1[,}].*")) {
            status = 400;
            json = "{\"status\":400,\"code\":\"validation_failed\",\"detail\":\"The request has invalid fields.\","
                    + "\"errors\":[{\"field\":\"quota\",\"message\":\"must be at least 1 and at least the 2 uses so far\"}]}";
        } else if (method.equals("POST") && path.endsWith("/invitations/resend")) {
            json = "{\"resent\":[{\"invitationId\":\"" + EXPIRED + "\",\"email\":\"old@example.com\",\"status\":\"pending\","
                    + "\"expiresAt\":\"2030-02-01T00:00:00Z\"}],\"notResent\":[{\"invitationId\":\"" + INVITATION + "\","
                    + "\"code\":\"invitation_revoked\",\"detail\":\"The invitation was revoked.\"}]}";
        } else if (!method.equals("GET")) {
            status = method.equals("POST") ? 201 : 200;
            json = path.equals("/api/v1/users") ? "{\"userId\":\"00000000-0000-0000-0000-00000000000f\"}" : "{}";
        } else if (path.contains("/email-settings")) {
            status = 404;
            json = "{\"status\":404,\"code\":\"not_found\",\"detail\":\"No settings.\"}";
        } else if (path.contains("/notifications")) {
            boolean older = path.contains("cursor=");
            json = "{\"items\":[{\"notificationId\":\"00000000-0000-0000-0000-0000000000f" + (older ? "2" : "1") + "\",\"kind\":\"invitation\","
                    + "\"status\":\"sent\",\"recipient\":\"" + (older ? "old" : "new") + "@example.com\",\"attempts\":1,"
                    + "\"createdAt\":\"2026-12-07T10:00:00Z\"}],\"nextCursor\":" + (older ? "null" : "\"page-2\"") + "}";
        } else if (path.startsWith("/api/v1/organizations?")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"name\":\"Console Co\"}",
                    "{\"organizationId\":\"" + OTHER_ORG + "\",\"name\":\"Side Co\"}");
        } else if (path.startsWith("/api/v1/users/")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"roles\":[\"" + (admin ? "admin" : "member") + "\"]}");
        } else if (path.contains("/teams")) {
            json = items("{\"teamId\":\"" + TEAM + "\",\"name\":\"Platform\",\"memberCount\":1}");
        } else if (path.contains("/members")) {
            json = items("{\"userId\":\"" + USER + "\",\"email\":\"ann@example.com\",\"roles\":[\"admin\"],\"teams\":[],\"status\":\"active\"}",
                    "{\"userId\":\"" + BOB + "\",\"email\":\"bob@example.com\",\"roles\":[\"member\"],\"teams\":[{\"teamId\":\"" + TEAM
                            + "\",\"name\":\"Platform\"}],\"status\":\"active\",\"expiresAt\":\"2027-02-01T00:00:00Z\"}");
        } else if (path.contains("/invitation-links")) {
            json = items("{\"linkId\":\"" + LINK + "\",\"name\":\"Partners\",\"emails\":[\"*@partner.example\"],"
                    + "\"expiresAt\":\"2027-02-01T00:00:00Z\",\"quota\":5,\"used\":2,\"roles\":[\"member\"],\"teamIds\":[],\"status\":\"enabled\"}");
        } else if (path.contains("/invitations")) {
            json = items("{\"invitationId\":\"" + INVITATION + "\",\"email\":\"ivy@example.com\",\"roles\":[\"member\"],\"teamIds\":[\""
                            + TEAM + "\"],\"status\":\"pending\",\"expiresAt\":\"2030-01-02T03:04:05Z\",\"resendCount\":0}",
                    "{\"invitationId\":\"" + EXPIRED + "\",\"email\":\"old@example.com\",\"roles\":[\"member\"],\"teamIds\":[],"
                            + "\"status\":\"expired\",\"expiresAt\":\"2026-01-02T03:04:05Z\",\"resendCount\":1}");
        } else {
            json = items();
        }
        return new Answer(status, json);
    }

}
