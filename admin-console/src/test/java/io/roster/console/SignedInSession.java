package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Someone signed in to the console under test through its sign-in form (against a {@link StandInApi}), and the
 * requests they make in that session: the session cookie (its id changes at sign-in) and the page's CSRF token go with
 * each.
 */
final class SignedInSession {

    static final String COOKIE = "ROSTER_CONSOLE_SESSION";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final WebTestClient web;
    private final String id;
    private final String csrf;

    private SignedInSession(WebTestClient web, String id, String csrf) {
        this.web = web;
        this.id = id;
        this.csrf = csrf;
    }

    static SignedInSession signIn(WebTestClient web, String email, String password) {
        EntityExchangeResult<String> page = web.get().uri("/console/sign-in").exchange().expectBody(String.class).returnResult();
        ResponseCookie cookie = page.getResponseCookies().getFirst(COOKIE);
        Matcher token = CSRF.matcher(page.getResponseBody());
        assertThat(token.find()).as("the sign-in form's CSRF token").isTrue();
        EntityExchangeResult<byte[]> signedIn = web.post().uri("/console/sign-in").cookie(cookie.getName(), cookie.getValue())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", token.group(1)).with("email", email).with("password", password))
                .exchange().expectStatus().isSeeOther().expectBody().returnResult();
        ResponseCookie renewed = signedIn.getResponseCookies().getFirst(COOKIE);
        return new SignedInSession(web, renewed != null ? renewed.getValue() : cookie.getValue(), token.group(1));
    }

    String id() {
        return id;
    }

    String csrf() {
        return csrf;
    }

    /** A page that must answer 200: its HTML. */
    String get(String path) {
        return web.get().uri(path).cookie(COOKIE, id).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /** A form post with the session's CSRF token and these name, value pairs. */
    WebTestClient.ResponseSpec post(String path, String... fields) {
        var form = BodyInserters.fromFormData("_csrf", csrf);
        for (int i = 0; i < fields.length; i += 2) {
            form = form.with(fields[i], fields[i + 1]);
        }
        return web.post().uri(path).cookie(COOKIE, id).contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form).exchange();
    }
}
