package io.roster.identity.web;

import io.roster.identity.IdentityHttpTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.Map;

/**
 * CORS for the invitation service's /invite pages, through the service's real security chain: their scripts may
 * call login, sign-up, email verification and account set-up from the configured origins (default: the invitation
 * service on 127.0.0.1 and localhost),
 * preflight included, and read the refusals; other origins and other endpoints get no CORS headers.
 */
class BrowserOriginsTest extends IdentityHttpTest {

    private static final String PAGES = "http://127.0.0.1:8082";

    @Test
    void thePreflightOfLoginAndSignUpFromTheInvitePagesPassesWithoutAToken() {
        for (String origin : new String[] {PAGES, "http://localhost:8082"}) {
            for (String path : BrowserOrigins.PATHS) {
                preflight(path, origin)
                        .expectStatus().isOk()
                        .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                        .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "POST")
                        .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers ->
                                org.assertj.core.api.Assertions.assertThat(headers.toLowerCase()).contains("content-type"))
                        .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);
            }
        }
    }

    @Test
    void otherOriginsAndOtherEndpointsGetNoCorsHeaders() {
        preflight("/api/v1/auth/token", "http://evil.example")
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        preflight("/api/v1/organizations", PAGES)
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        web.post().uri("/api/v1/organizations").header(HttpHeaders.ORIGIN, PAGES).headers(h -> h.setBearerAuth(adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Cross-origin Co"))
                .exchange()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    @Test
    void theScriptReadsTheTokenAndTheRefusals() {
        login(PAGES, Map.of("email", ADMIN_EMAIL, "password", ADMIN_PASSWORD))
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGES)
                .expectBody().jsonPath("$.accessToken").isNotEmpty();
        login(PAGES, Map.of("email", ADMIN_EMAIL, "password", "wrong"))
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGES)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_credentials");
        web.post().uri("/api/v1/auth/sign-up").header(HttpHeaders.ORIGIN, PAGES)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("email", "not-an-address", "password", "x",
                        "firstName", "A", "lastName", "B"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGES)
                .expectBody().jsonPath("$.code").isEqualTo("validation_failed");
        // the email links' pages: a dead link's refusal is readable too
        web.post().uri("/api/v1/auth/verify-email").header(HttpHeaders.ORIGIN, PAGES)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", "no-such-token"))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGES)
                .expectBody().jsonPath("$.code").isEqualTo("token_not_found");
        web.post().uri("/api/v1/auth/account-setup").header(HttpHeaders.ORIGIN, PAGES)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", "no-such-token", "password", "long enough to pass"))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGES)
                .expectBody().jsonPath("$.code").isEqualTo("token_not_found");
        web.post().uri("/api/v1/auth/password-reset/confirm").header(HttpHeaders.ORIGIN, PAGES)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", "no-such-token", "password", "long enough to pass"))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGES)
                .expectBody().jsonPath("$.code").isEqualTo("token_not_found");
        // a page of another origin cannot read the answer (the browser withholds it without the header)
        login("http://evil.example", Map.of("email", ADMIN_EMAIL, "password", ADMIN_PASSWORD))
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    private WebTestClient.ResponseSpec preflight(String path, String origin) {
        return web.method(HttpMethod.OPTIONS).uri(path)
                .header(HttpHeaders.ORIGIN, origin)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                .exchange();
    }

    private WebTestClient.ResponseSpec login(String origin, Map<String, String> body) {
        return web.post().uri("/api/v1/auth/token").header(HttpHeaders.ORIGIN, origin)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
