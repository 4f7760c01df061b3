package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
 * A provider admin may open any of thousands of organizations: the start page pages through them with the API's
 * cursor, and an organization beyond the switcher's first page (200) opens under its own name, chosen in the switcher,
 * instead of "Unknown organization". Against a stand-in API with two pages of organizations.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrganizationsPagesTest {

    private static final String FAR = "00000000-0000-0000-0000-00000000f0f0";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final HttpServer API = api();

    @Autowired
    WebTestClient web;
    private String session;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        String url = "http://127.0.0.1:" + API.getAddress().getPort();
        for (String service : new String[] {"identity", "invitation", "query", "notification"}) {
            registry.add("roster.console." + service + "-url", () -> url);
        }
    }

    @AfterAll
    static void stopApi() {
        API.stop(0);
    }

    @BeforeEach
    void signedInProviderAdmin() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        EntityExchangeResult<String> page = web.get().uri("/console/sign-in").exchange().expectBody(String.class).returnResult();
        ResponseCookie cookie = page.getResponseCookies().getFirst("ROSTER_CONSOLE_SESSION");
        Matcher token = CSRF.matcher(page.getResponseBody());
        assertThat(token.find()).isTrue();
        EntityExchangeResult<Void> signedIn = web.post().uri("/console/sign-in").cookie(cookie.getName(), cookie.getValue())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", token.group(1)).with("email", "root@example.com").with("password", "secret"))
                .exchange().expectStatus().isSeeOther().expectBody().isEmpty();
        ResponseCookie renewed = signedIn.getResponseCookies().getFirst("ROSTER_CONSOLE_SESSION");
        session = renewed != null ? renewed.getValue() : cookie.getValue();
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

    @Test
    void anOrganizationBeyondTheFirstPageOpensUnderItsNameAndIsChosenInTheSwitcher() {
        String members = get("/console/organizations/" + FAR + "/members");
        assertThat(members).contains("Far Co").doesNotContain("Unknown organization")
                .containsPattern("<option value=\"" + FAR + "\"\\s+selected=\"selected\">Far Co</option>");
    }

    private String get(String path) {
        return web.get().uri(path).cookie("ROSTER_CONSOLE_SESSION", session).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private static HttpServer api() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", OrganizationsPagesTest::answer);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().toString();
        exchange.getRequestBody().readAllBytes();
        String json;
        if (path.startsWith("/api/v1/auth/token")) {
            String claims = "{\"sub\":\"00000000-0000-0000-0000-0000000000aa\",\"email\":\"root@example.com\",\"providerRoles\":[\"provider-admin\"]}";
            String token = "e30." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
            json = "{\"accessToken\":\"" + token + "\",\"tokenType\":\"Bearer\",\"expiresIn\":3600}";
        } else if (path.startsWith("/api/v1/organizations?") && path.contains("cursor=page-2")) {
            json = "{\"items\":[" + organization(FAR, "Far Co") + "],\"nextCursor\":null}";
        } else if (path.startsWith("/api/v1/organizations?")) {
            json = "{\"items\":[" + IntStream.range(0, 200).mapToObj(i -> organization(String.format("00000000-0000-0000-0000-%012d", i),
                    String.format("Org %03d", i))).collect(Collectors.joining(",")) + "],\"nextCursor\":\"page-2\"}";
        } else if (path.equals("/api/v1/organizations/" + FAR)) {
            json = organization(FAR, "Far Co");
        } else {
            json = "{\"items\":[],\"nextCursor\":null}";
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String organization(String id, String name) {
        return "{\"organizationId\":\"" + id + "\",\"name\":\"" + name + "\"}";
    }
}
