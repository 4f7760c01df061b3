package io.roster.invitation.web;

import io.roster.invitation.AbstractServiceTest;
import io.roster.kit.secrets.SecretBox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages behind the account emails' links, served by this service with the pages' security chain: open to
 * anyone, the token handed to the page's script (which redeems it at the identity service), kept out of caches,
 * frames and Referer headers; an incomplete link gets a page that says so. (Redeeming in a real browser:
 * local-stack's BrowserInvitationFlowIT.)
 */
class AccountLinkPagesServiceTest extends AbstractServiceTest {

    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self' http://127.0.0.1:8081; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private WebTestClient web;

    @BeforeEach
    void patientClient() {
        web = super.web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void theVerificationPageHandsTheTokenToItsScriptAndWaitsForAClick() {
        String token = SecretBox.newToken();
        String page = openPage("/verify-email?token=" + token);
        assertThat(page).contains("id=\"verify-email-form\"", "data-identity-action=\"verify-email\"",
                "data-account-token=\"" + token + "\"", "data-identity-url=\"http://127.0.0.1:8081\"",
                "id=\"submit\"", "/invite/assets/invite.js");
    }

    @Test
    void theSetUpPageAsksForThePasswordTwice() {
        String token = SecretBox.newToken();
        String page = openPage("/account-setup?token=" + token);
        assertThat(page).contains("id=\"account-setup-form\"", "data-identity-action=\"account-setup\"",
                "data-account-token=\"" + token + "\"", "id=\"password\"", "id=\"passwordConfirmation\"");
    }

    @Test
    void theResetPageAsksForTheNewPasswordTwice() {
        String token = SecretBox.newToken();
        String page = openPage("/password-reset?token=" + token);
        assertThat(page).contains("id=\"password-reset-form\"", "data-identity-action=\"password-reset\"",
                "data-account-token=\"" + token + "\"", "id=\"password\"", "id=\"passwordConfirmation\"");
    }

    @Test
    void anIncompleteLinkGetsAPageThatSaysSo() {
        for (String path : new String[] {"/verify-email", "/verify-email?token=", "/account-setup?token=cut-sho",
                "/account-setup?token=%3Cscript%3E", "/password-reset", "/password-reset?token=%22%3E%3Cscript%3E"}) {
            String page = web.get().uri(path).exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(page).as(path).contains("data-code=\"token_missing\"").doesNotContain("<form").doesNotContain("<script>");
        }
    }

    private String openPage(String uri) {
        return web.get().uri(uri).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().value("Cache-Control", value -> assertThat(value).contains("no-store"))
                .expectBody(String.class).returnResult().getResponseBody();
    }
}
