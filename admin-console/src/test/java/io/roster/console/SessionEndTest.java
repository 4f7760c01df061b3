package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * A session ends before its token expires, with a message on the sign-in page. Identity here is a stand-in that
 * answers the token endpoint with a token valid for 30 s, less than the console's one-minute margin, so the very
 * next page finds the session over (the whole stack would take an hour of waiting to show the same).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionEndTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    /** Identity answering every sign-in (and renewal) with a token good for 30 s; nothing else is served. */
    private static final StandInApi IDENTITY = StandInApi.start(request -> request.path().startsWith("/api/v1/auth/token")
            ? StandInApi.Answer.token("00000000-0000-0000-0000-00000000000a", "ann@example.com", false, 30)
            : StandInApi.Answer.problem(404, "not_found", "The stand-in serves identity's token endpoints only."));

    @Autowired
    WebTestClient web;

    /** The first page renders its templates cold: on a busy 2-core machine that outlasts the default 5 s. */
    @org.junit.jupiter.api.BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
    }

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        IDENTITY.pointConsoleAt(registry);
    }

    @AfterAll
    static void stopIdentity() {
        IDENTITY.stop();
    }

    @Test
    void aSessionWhoseTokenIsAboutToExpireEndsWithAMessageOnTheSignInPage() {
        EntityExchangeResult<String> page = web.get().uri("/console/sign-in").exchange().expectBody(String.class).returnResult();
        ResponseCookie cookie = page.getResponseCookies().getFirst("ROSTER_CONSOLE_SESSION");
        Matcher csrf = CSRF.matcher(page.getResponseBody());
        assertThat(csrf.find()).isTrue();

        EntityExchangeResult<Void> signedIn = web.post().uri("/console/sign-in").cookie(cookie.getName(), cookie.getValue())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf.group(1)).with("email", "ann@example.com").with("password", "secret"))
                .exchange().expectStatus().isSeeOther().expectHeader().valueEquals("Location", "/console/")
                .expectBody().isEmpty();
        // signing in gives the session a new id
        ResponseCookie session = signedIn.getResponseCookies().getFirst("ROSTER_CONSOLE_SESSION");
        String sessionId = session != null ? session.getValue() : cookie.getValue();

        web.get().uri("/console/").cookie("ROSTER_CONSOLE_SESSION", sessionId).exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals("Location", "/console/sign-in?ended=true");
        String body = web.get().uri("/console/sign-in?ended=true").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(body).contains("You were signed out: your session ended. Sign in again to go on.");
        web.get().uri("/console/").cookie("ROSTER_CONSOLE_SESSION", sessionId).exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals("Location", "/console/sign-in");
    }
}
