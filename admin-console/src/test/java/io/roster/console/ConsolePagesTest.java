package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * The console's own guards, without the API behind it (its URLs point at a closed port): who is sent to sign in,
 * the session cookie's flags, the CSRF refusal, and the messages for an unreachable API and bad addresses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "roster.console.identity-url=http://127.0.0.1:9", "roster.console.invitation-url=http://127.0.0.1:9",
        "roster.console.query-url=http://127.0.0.1:9", "roster.console.notification-url=http://127.0.0.1:9"})
class ConsolePagesTest {

    @Autowired
    WebTestClient web;

    /** The first page renders its templates cold: on a busy 2-core machine that outlasts the default 5 s. */
    @org.junit.jupiter.api.BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
    }

    @Test
    void aPageWithoutASessionSendsTheBrowserToSignInAndHtmxToo() {
        web.get().uri("/console/organizations/00000000-0000-0000-0000-000000000001/members").exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals("Location", "/console/sign-in");
        web.get().uri("/console/").header("HX-Request", "true").exchange()
                .expectStatus().isOk().expectHeader().valueEquals("HX-Redirect", "/console/sign-in");
    }

    @Test
    void theSignInPageSetsAnHttpOnlySameSiteSessionCookieAndAFormWithItsCsrfToken() {
        EntityExchangeResult<String> page = web.get().uri("/console/sign-in").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        ResponseCookie session = page.getResponseCookies().getFirst("ROSTER_CONSOLE_SESSION");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        assertThat(session.getPath()).isEqualTo("/console");
        assertThat(page.getResponseBody()).contains("name=\"_csrf\"").contains("<label for=\"email\">");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedWithAReadablePage() {
        String body = web.post().uri("/console/sign-in").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("email", "a@example.com").with("password", "secret")).exchange()
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("id=\"csrf-refused\"").doesNotContain("Exception");
    }

    @Test
    void theProbesStayAtTheActuatorsUsualPathsAndNoPageIsServedOutsideConsole() {
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/sign-in").exchange().expectStatus().isNotFound();
        web.get().uri("/console/assets/console.js").exchange().expectStatus().isOk();
        web.get().uri("/console/webjars/htmx.org/2.0.4/dist/htmx.min.js").exchange().expectStatus().isOk();
    }

    @Test
    void anUnreachableApiIsARefusalToShowNotAnError() {
        ApiAnswer answer = new ApiAnswer(503, new ObjectMapper().createObjectNode().put("code", "unavailable").put("detail", ""), null);
        assertThat(answer.problem().message()).isEqualTo("Roster's API cannot be reached just now: try again in a moment.");
    }

    @Test
    void typedAddressesAreSplitOnCommasAndSpacesAndDeduplicated() {
        assertThat(InviteController.addresses(List.of("a@x.io", "b@x.io, c@x.io;d@x.io  a@x.io", "", " ")))
                .containsExactly("a@x.io", "b@x.io", "c@x.io", "d@x.io");
    }
}
