package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A provider admin may open any of thousands of organizations: the start page pages through them with the API's
 * cursor, and an organization beyond the switcher's first page (200) opens under its own name, chosen in the switcher,
 * instead of "Unknown organization". Against a stand-in API with two pages of organizations.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrganizationsPagesTest {

    private static final String FAR = "00000000-0000-0000-0000-00000000f0f0";
    @RegisterExtension
    private static final StandInApi API = StandInApi.start(OrganizationsPagesTest::answer);

    @Autowired
    WebTestClient web;
    private SignedInSession signedIn;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        API.pointConsoleAt(registry);
    }


    @BeforeEach
    void signedInProviderAdmin() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        signedIn = SignedInSession.signIn(web, "root@example.com", "secret");
    }

    @Test
    void theStartPageListsTwoHundredOrganizationsAndOffersTheNextPageWhichOffersTheFirstAgain() {
        String first = get("/console/");
        assertThat(first).contains("As a provider admin you can open any organization.").contains(">Org 000<").contains(">Org 199<")
                .doesNotContain("Far Co").contains("id=\"more-organizations\"").doesNotContain("id=\"first-organizations\"");
        Matcher more = Pattern.compile("id=\"more-organizations\" href=\"([^\"]+)\"").matcher(first);
        assertThat(more.find()).as("the next page's link").isTrue();
        String second = get(more.group(1).replace("&amp;", "&"));
        assertThat(second).contains(">Far Co<").doesNotContain(">Org 000<").doesNotContain("id=\"more-organizations\"")
                .contains("id=\"first-organizations\"").doesNotContain("id=\"no-organizations\"");
    }

    /** A cursor typed or kept from elsewhere: the API's refusal on the page, no table, never an error page. */
    @Test
    void aCursorTheApiDidNotIssueGetsItsRefusalOnThePage() {
        String page = web.get().uri(uri -> uri.path("/console/").queryParam("cursor", "{cursor}").build("{not-a-cursor}&x=1"))
                .cookie(SignedInSession.COOKIE, signedIn.id()).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"organizations-problem\"").contains("The request has invalid fields")
                .doesNotContain("id=\"no-organizations\"").doesNotContain("id=\"more-organizations\"").contains("id=\"first-organizations\"");
        assertThat(API.calls()).anyMatch(call -> call.startsWith("GET /api/v1/organizations?limit=200&cursor=%7Bnot-a-cursor%7D%26x%3D1"));
    }

    @Test
    void anOrganizationBeyondTheFirstPageOpensUnderItsNameAndIsChosenInTheSwitcher() {
        String members = get("/console/organizations/" + FAR + "/members");
        assertThat(members).contains("Far Co").doesNotContain("Unknown organization")
                .containsPattern("<option value=\"" + FAR + "\"\\s+selected=\"selected\">Far Co</option>");
    }

    private String get(String path) {
        return signedIn.get(path);
    }

    private static Answer answer(Request request) {
        String path = request.path();
        if (path.startsWith("/api/v1/auth/token")) {
            return Answer.token("00000000-0000-0000-0000-0000000000aa", "root@example.com", true, 3600);
        } else if (path.startsWith("/api/v1/organizations?") && path.contains("cursor=") && !path.contains("cursor=page-2")) {
            return new Answer(400, "{\"status\":400,\"code\":\"validation_failed\",\"detail\":\"The request has invalid fields.\","
                    + "\"errors\":[{\"field\":\"cursor\",\"message\":\"is not a cursor this API issued\"}]}");
        } else if (path.startsWith("/api/v1/organizations?") && path.contains("cursor=page-2")) {
            return Answer.ok("{\"items\":[" + organization(FAR, "Far Co") + "],\"nextCursor\":null}");
        } else if (path.startsWith("/api/v1/organizations?")) {
            return Answer.ok("{\"items\":[" + IntStream.range(0, 200).mapToObj(i -> organization(String.format("00000000-0000-0000-0000-%012d", i),
                    String.format("Org %03d", i))).collect(Collectors.joining(",")) + "],\"nextCursor\":\"page-2\"}");
        } else if (path.equals("/api/v1/organizations/" + FAR)) {
            return Answer.ok(organization(FAR, "Far Co"));
        }
        return Answer.ok(StandInApi.items());
    }

    private static String organization(String id, String name) {
        return "{\"organizationId\":\"" + id + "\",\"name\":\"" + name + "\"}";
    }
}
