package io.roster.console;

import static io.roster.console.StandInApi.items;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 16's follow-ups against a stand-in API (the whole stack's behaviour is AdminConsoleBrowserIT's): the teams of
 * the organization open in the console picked in the create-user form go with that organization's membership only;
 * a link's roles, teams and membership term, and a pending invitation's membership term, edited in the row, where the
 * term is a number of days or a last day, sent only when changed, and cleared with nulls. Bad input is refused in the
 * row without a call, the API's refusal of a term is shown beside the term's fields, the change's Consistency-Token
 * goes with the next read, and a plain member gets none of these controls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FifthSlicePagesTest {

    private static final String ORG = "00000000-0000-0000-0000-0000000000a1";
    private static final String OTHER_ORG = "00000000-0000-0000-0000-0000000000a2";
    private static final String TEAM = "00000000-0000-0000-0000-0000000000b1";
    private static final String INVITATION = "00000000-0000-0000-0000-0000000000c1";
    private static final String LINK = "00000000-0000-0000-0000-0000000000d1";
    private static final String USER = "00000000-0000-0000-0000-00000000000a";
    @RegisterExtension
    private static final StandInApi API = StandInApi.start(FifthSlicePagesTest::answer);
    private static final List<String> CALLS = API.calls();
    /** The Consistency-Token each read of the links, invitations or members sent ("none" without one). */
    private static final List<String> READ_TOKENS = new CopyOnWriteArrayList<>();
    private static volatile boolean admin = true;

    @Autowired
    WebTestClient web;
    private SignedInSession signedIn;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        API.pointConsoleAt(registry);
    }


    @BeforeEach
    void signedInAdmin() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        admin = true;
        signedIn = SignedInSession.signIn(web, "ann@example.com", "secret");
        CALLS.clear();
        READ_TOKENS.clear();
    }

    // --- 1. teams in the create-user form ----------------------------------------------------------------------

    @Test
    void theTeamsPickedGoWithTheOpenOrganizationsMembershipOnlyAndTheNextReadWaitsForTheCreation() {
        String page = signedIn.get("/console/organizations/" + ORG + "/members");
        signedIn.post("/console/organizations/" + ORG + "/members/create-user", "firstName", "Zed", "lastName", "Tester",
                "email", "zed@example.com", "organizationIds", ORG, "organizationIds", OTHER_ORG, "roles", "member",
                "teamIds", TEAM).expectStatus().isSeeOther();
        READ_TOKENS.clear();
        String after = signedIn.get("/console/organizations/" + ORG + "/members");
        assertSoftly(softly -> {
            softly.assertThat(page).contains("id=\"create-teams\"").contains("(in Console Co)")
                    .contains("id=\"create-team-" + TEAM + "\"").doesNotContainPattern("id=\"create-team-" + TEAM + "\"[^>]*checked");
            softly.assertThat(CALLS).as("calls").contains("POST /api/v1/users {\"firstName\":\"Zed\",\"lastName\":\"Tester\","
                    + "\"email\":\"zed@example.com\",\"memberships\":[{\"organizationId\":\"" + ORG + "\",\"roles\":[\"member\"],"
                    + "\"teamIds\":[\"" + TEAM + "\"]},{\"organizationId\":\"" + OTHER_ORG + "\",\"roles\":[\"member\"]}]}");
            softly.assertThat(after).contains("Created the account of zed@example.com (2 organizations)");
            softly.assertThat(READ_TOKENS).as("tokens of the reads after the creation").contains("ct-user");
        });
    }

    @Test
    void teamsPickedWithoutTheirOrganizationAreRefusedWithWhatWasTypedAndWithoutACall() {
        String page = signedIn.post("/console/organizations/" + ORG + "/members/create-user", "firstName", "Zed", "lastName", "Tester",
                "email", "zed@example.com", "organizationIds", OTHER_ORG, "teamIds", TEAM)
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertSoftly(softly -> {
            softly.assertThat(page).contains("id=\"create-problem\"").contains("pick this organization too, or no team")
                    .containsPattern("id=\"create-team-" + TEAM + "\"[^>]*checked")
                    .containsPattern("<details id=\"create-user\"[^>]*open");
            softly.assertThat(CALLS).as("calls").noneMatch(call -> call.startsWith("POST"));
        });
    }

    // --- 2. a link's roles, teams and membership term ----------------------------------------------------------

    @Test
    void aLinksRowOffersItsRolesTeamsAndMembershipTermAsTheyAre() {
        String page = signedIn.get("/console/organizations/" + ORG + "/links");
        assertSoftly(softly -> softly.assertThat(page)
                .containsPattern("id=\"link-role-billing-manager-" + LINK + "\"[^>]*checked")
                .doesNotContainPattern("id=\"link-role-admin-" + LINK + "\"[^>]*checked")
                .containsPattern("id=\"link-team-" + TEAM + "-" + LINK + "\"[^>]*checked")
                .contains("<label for=\"membership-days-" + LINK + "\">").contains("<label for=\"membership-ends-" + LINK + "\">")
                .containsPattern("id=\"membership-days-" + LINK + "\"\\s+value=\"30\"")
                .doesNotContainPattern("id=\"membership-none-" + LINK + "\"[^>]*checked")
                .contains("<td class=\"membership-term\">30 days from joining</td>"));
    }

    @Test
    void aLinksNewRolesTeamsAndLastDayArePatchedAndTheNextReadWaitsForThem() {
        signedIn.post("/console/organizations/" + ORG + "/links/" + LINK + "/edit", "name", "Partners", "roles", "admin",
                "teamIds", TEAM, "quota", "", "membershipDays", "30", "shownMembershipDays", "30",
                "membershipEndsOn", "2027-06-30", "shownMembershipEndsOn", "", "zone", "Europe/Paris").expectStatus().isSeeOther();
        READ_TOKENS.clear();
        String after = signedIn.get("/console/organizations/" + ORG + "/links");
        assertSoftly(softly -> {
            softly.assertThat(CALLS).as("calls").contains("PATCH /api/v1/organizations/" + ORG + "/invitation-links/" + LINK
                    + " {\"name\":\"Partners\",\"emails\":[],\"roles\":[\"admin\"],\"teamIds\":[\"" + TEAM + "\"],\"quota\":null,"
                    + "\"membershipExpiresAt\":\"2027-06-30T22:00:00Z\"}");
            softly.assertThat(after).contains("Saved the link Partners: unlimited uses, expiry unchanged, membership ends 2027-06-30T22:00:00Z.");
            softly.assertThat(READ_TOKENS).as("tokens of the reads after the change").contains("ct-link");
        });
    }

    @Test
    void aLinksTermIsSetInDaysOrClearedWithNullsAndAnUnchangedOneIsLeftOut() {
        String path = "/console/organizations/" + ORG + "/links/" + LINK + "/edit";
        signedIn.post(path, "name", "Partners", "roles", "member", "membershipDays", "90", "shownMembershipDays", "30")
                .expectStatus().isSeeOther();
        signedIn.post(path, "name", "Partners", "roles", "member", "membershipDays", "30", "shownMembershipDays", "30",
                "noMembershipEnd", "true").expectStatus().isSeeOther();
        signedIn.post(path, "name", "Partners", "roles", "member", "membershipDays", "30", "shownMembershipDays", "30")
                .expectStatus().isSeeOther();
        String base = "PATCH /api/v1/organizations/" + ORG + "/invitation-links/" + LINK
                + " {\"name\":\"Partners\",\"emails\":[],\"roles\":[\"member\"],\"teamIds\":[],\"quota\":null";
        assertSoftly(softly -> softly.assertThat(CALLS).as("calls").containsSubsequence(
                base + ",\"membershipDays\":90}",
                base + ",\"membershipDays\":null,\"membershipExpiresAt\":null}",
                base + "}"));
    }

    @Test
    void aLinkWithoutARoleOrWithTwoTermsOrABadNumberIsRefusedInItsRowWithoutACall() {
        String path = "/console/organizations/" + ORG + "/links/" + LINK + "/edit";
        String noRole = refused(path, 400, "name", "Partners", "teamIds", TEAM);
        String both = refused(path, 400, "name", "Partners", "roles", "member", "membershipDays", "60", "shownMembershipDays", "30",
                "membershipEndsOn", "2027-06-30");
        String zero = refused(path, 400, "name", "Partners", "roles", "member", "membershipDays", "0");
        String daysAndNoEnd = refused(path, 400, "name", "Partners", "roles", "member", "membershipDays", "60", "shownMembershipDays", "30",
                "noMembershipEnd", "true");
        assertSoftly(softly -> {
            softly.assertThat(daysAndNoEnd).contains("id=\"membership-problem-" + LINK + "\"").contains("not two of them");
            softly.assertThat(noRole).contains("id=\"row-problem-" + LINK + "\"").contains("Choose at least one role");
            softly.assertThat(both).contains("id=\"membership-problem-" + LINK + "\"").contains("not both")
                    .containsPattern("<details[^>]*id=\"edit-" + LINK + "\"[^>]*open");
            softly.assertThat(zero).contains("id=\"membership-problem-" + LINK + "\"").contains("from 1 to 3650");
            softly.assertThat(CALLS).as("calls").noneMatch(call -> call.startsWith("PATCH"));
        });
    }

    @Test
    void theApisRefusalOfALinksTermIsShownBesideTheTermsFields() {
        String page = refused("/console/organizations/" + ORG + "/links/" + LINK + "/edit", 400, "name", "Partners", "roles", "member",
                "membershipEndsOn", "2040-01-01", "zone", "UTC");
        assertSoftly(softly -> softly.assertThat(page).contains("id=\"membership-problem-" + LINK + "\"")
                .contains("Membership: must be at most 10 years ahead").contains("data-code=\"validation_failed\""));
    }

    // --- 3. a pending invitation's membership term --------------------------------------------------------------

    @Test
    void aPendingInvitationsTermIsShownAndMovedClearedOrSetInDays() {
        String page = signedIn.get("/console/organizations/" + ORG + "/invitations");
        String path = "/console/organizations/" + ORG + "/invitations/" + INVITATION + "/edit";
        signedIn.post(path, "email", "ivy@example.com", "roles", "member", "membershipEndsOn", "2027-05-31",
                "shownMembershipEndsOn", "2027-03-31", "zone", "UTC").expectStatus().isSeeOther();
        READ_TOKENS.clear();
        String after = signedIn.get("/console/organizations/" + ORG + "/invitations");
        signedIn.post(path, "email", "ivy@example.com", "roles", "member", "membershipEndsOn", "2027-03-31",
                "shownMembershipEndsOn", "2027-03-31", "noMembershipEnd", "true").expectStatus().isSeeOther();
        signedIn.post(path, "email", "ivy@example.com", "roles", "member", "membershipDays", "14",
                "membershipEndsOn", "2027-03-31", "shownMembershipEndsOn", "2027-03-31").expectStatus().isSeeOther();
        String base = "PATCH /api/v1/organizations/" + ORG + "/invitations/" + INVITATION + " {\"roles\":[\"member\"],\"teamIds\":[]";
        assertSoftly(softly -> {
            softly.assertThat(page).contains("<td class=\"membership-term\">through 2027-03-31</td>")
                    .containsPattern("id=\"membership-ends-" + INVITATION + "\"\\s+value=\"2027-03-31\"")
                    .contains("<label for=\"membership-ends-" + INVITATION + "\">");
            softly.assertThat(CALLS).as("calls").containsSubsequence(
                    base + ",\"membershipExpiresAt\":\"2027-06-01T00:00:00Z\"}",
                    base + ",\"membershipDays\":null,\"membershipExpiresAt\":null}",
                    base + ",\"membershipDays\":14}");
            softly.assertThat(after).contains("Saved the invitation of ivy@example.com: roles member, membership ends 2027-06-01T00:00:00Z.");
            softly.assertThat(READ_TOKENS).as("tokens of the reads after the change").contains("ct-invitation");
        });
    }

    @Test
    void anInvitationsBadTermIsRefusedInItsRowWithoutACall() {
        String page = refused("/console/organizations/" + ORG + "/invitations/" + INVITATION + "/edit", 400, "email", "ivy@example.com",
                "roles", "member", "membershipDays", "4000");
        assertSoftly(softly -> {
            softly.assertThat(page).contains("id=\"membership-problem-" + INVITATION + "\"").contains("from 1 to 3650")
                    .containsPattern("<details[^>]*id=\"edit-" + INVITATION + "\"[^>]*open");
            softly.assertThat(CALLS).as("calls").noneMatch(call -> call.startsWith("PATCH"));
        });
    }

    // --- nothing of it for a plain member ---------------------------------------------------------------------

    @Test
    void aPlainMemberGetsNoTeamsToCreateUsersInAndNoTermToEditAndAForgedEditShowsTheApisRefusal() {
        admin = false;
        String members = signedIn.get("/console/organizations/" + ORG + "/members");
        String links = signedIn.get("/console/organizations/" + ORG + "/links");
        String invitations = signedIn.get("/console/organizations/" + ORG + "/invitations");
        String forged = refused("/console/organizations/" + ORG + "/links/" + LINK + "/edit", 403, "name", "Mine", "roles", "admin",
                "membershipDays", "5");
        assertSoftly(softly -> {
            softly.assertThat(members).doesNotContain("create-team-").doesNotContain("create-teams");
            softly.assertThat(links).doesNotContain("membership-days-").doesNotContain("link-role-admin-" + LINK);
            softly.assertThat(invitations).doesNotContain("membership-days-").doesNotContain("membership-ends-");
            softly.assertThat(forged).contains("id=\"refused-problem\"").contains("data-code=\"forbidden\"");
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A form post the console answers with a page (a refusal): its body, after checking its status. */
    private String refused(String path, int status, String... fields) {
        return signedIn.post(path, fields).expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
    }

    private static Answer answer(Request request) {
        String path = request.path();
        String method = request.method();
        if (path.startsWith("/api/v1/auth/token")) {
            return Answer.token(USER, "ann@example.com", false, 3600);
        }
        if (!method.equals("GET")) {
            return command(method, path, request.body());
        }
        if (path.contains("/invitation-links") || path.contains("/invitations") || path.contains("/members")) {
            String token = request.headers().getFirst("Consistency-Token");
            READ_TOKENS.add(token == null ? "none" : token);
        }
        String json;
        if (path.startsWith("/api/v1/organizations?")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"name\":\"Console Co\"}",
                    "{\"organizationId\":\"" + OTHER_ORG + "\",\"name\":\"Side Co\"}");
        } else if (path.startsWith("/api/v1/users/")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"roles\":[\"" + (admin ? "admin" : "member") + "\"]}");
        } else if (path.contains("/teams")) {
            json = items("{\"teamId\":\"" + TEAM + "\",\"name\":\"Platform\",\"memberCount\":1}");
        } else if (path.contains("/members")) {
            json = items("{\"userId\":\"" + USER + "\",\"email\":\"ann@example.com\",\"roles\":[\"admin\"],\"teams\":[],\"status\":\"active\"}");
        } else if (path.contains("/invitation-links")) {
            json = items("{\"linkId\":\"" + LINK + "\",\"name\":\"Partners\",\"emails\":[],\"used\":0,"
                    + "\"roles\":[\"member\",\"billing-manager\"],\"teamIds\":[\"" + TEAM + "\"],\"membershipDays\":30,\"status\":\"enabled\"}");
        } else if (path.contains("/invitations")) {
            json = items("{\"invitationId\":\"" + INVITATION + "\",\"email\":\"ivy@example.com\",\"roles\":[\"member\"],\"teamIds\":[],"
                    + "\"status\":\"pending\",\"expiresAt\":\"2030-01-02T03:04:05Z\",\"resendCount\":0,"
                    + "\"membershipExpiresAt\":\"2027-04-01T00:00:00Z\"}");
        } else {
            json = items();
        }
        return Answer.ok(json);
    }

    /** A change: refused as the API refuses it (a non-admin; a term beyond 10 years), else accepted with a token. */
    private static Answer command(String method, String path, String body) {
        if (!admin) {
            return Answer.problem(403, "forbidden", "Only admins may do this.");
        }
        if (body.contains("\"membershipExpiresAt\":\"2040")) {
            return new Answer(400, "{\"status\":400,\"code\":\"validation_failed\",\"detail\":\"The request has invalid fields.\","
                    + "\"errors\":[{\"field\":\"membershipExpiresAt\",\"message\":\"must be at most 10 years ahead\"}]}");
        }
        if (path.equals("/api/v1/users")) {
            return new Answer(201, "{\"userId\":\"00000000-0000-0000-0000-00000000000f\"}").withConsistencyToken("ct-user");
        }
        String token = path.contains("/invitation-links/") ? "ct-link" : path.contains("/invitations/") ? "ct-invitation" : "ct-other";
        return new Answer(method.equals("POST") ? 201 : 200, "{}").withConsistencyToken(token);
    }
}
