package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12 V3 end to end, as the attack: a token outlives what should end it. The four services run as processes; each
 * learns of a deletion, a password change or a removed provider role from the identity events alone, and refuses the
 * old token with 401 {@code unauthenticated} within 5 s of the answer that ended it.
 *
 * <p>It runs on the {@link SharedStack} (data folder {@code local-stack/target/shared-stack-data}, kept with the services'
 * logs).
 */
@TimedFault
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRevocationEndToEndIT {

    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String NOTIFICATION = "http://127.0.0.1:" + PORTS.notification();
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration BUDGET = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(TokenRevocationEndToEndIT.class);
    private static final String SESSION_COOKIE = "ROSTER_CONSOLE_SESSION";

    private final StackHttp http = new StackHttp();
    /** The console as a browser without script reaches it: redirects are checked, not followed. */
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private LocalStackConfig config;
    private RunningStack stack;
    private String admin;
    private String organizationId;

    @BeforeAll
    void startTheStack() throws Exception {
        stack = SharedStack.stack();
        config = stack.config();
        admin = http.login(IDENTITY, config.adminEmail(), config.adminPassword());
        organizationId = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", admin, Map.of("name", "Revocation Co")),
                "organizationId");
    }

    @Test
    void aDeletedAccountsTokenIsRefusedByEveryService() throws Exception {
        String email = address("gone");
        String userId = createUser(email, List.of());
        String token = token(email, PASSWORD);
        assertAcceptedEverywhere(userId, token);

        HttpResponse<String> deleted = http.delete(IDENTITY + "/api/v1/users/" + userId, admin);
        assertThat(deleted.statusCode()).as(describe(deleted)).isBetween(200, 299);

        assertRefusedEverywhereWithin5s(userId, token);
    }

    @Test
    void aTokenFromBeforeAPasswordChangeIsRefusedByEveryServiceAndTheNewOneWorks() throws Exception {
        String email = address("changer");
        String userId = createUser(email, List.of());
        String old = token(email, PASSWORD);
        assertAcceptedEverywhere(userId, old);

        String newPassword = "a fresh and longer passphrase";
        StackHttp.expect(204, http.postAsJson(IDENTITY + "/api/v1/auth/password", old,
                Map.of("currentPassword", PASSWORD, "newPassword", newPassword)));
        String fresh = token(email, newPassword);

        assertRefusedEverywhereWithin5s(userId, old);
        assertAcceptedEverywhere(userId, fresh);
    }

    @Test
    void aFormerProviderAdminsTokenCreatesNoProviderAdminAndIsRefusedEverywhere() throws Exception {
        String email = address("demoted");
        String userId = createUser(email, List.of("provider-admin"));
        String old = token(email, PASSWORD);
        assertAcceptedEverywhere(userId, old);

        HttpResponse<String> removed = http.put(IDENTITY + "/api/v1/users/" + userId + "/provider-roles", admin,
                "{\"providerRoles\":[]}");
        assertThat(removed.statusCode()).as(describe(removed)).isEqualTo(200);

        await("the former provider admin's token creates no provider admin").atMost(BUDGET).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> http.assertProblem(http.postAsJson(IDENTITY + "/api/v1/users", old, Map.of("firstName", "Eve",
                        "lastName", "E", "email", address("eve"), "password", PASSWORD, "providerRoles", List.of("provider-admin"),
                        "memberships", List.of())), 401, "unauthenticated"));
        assertRefusedEverywhereWithin5s(userId, old);
        assertAcceptedEverywhere(userId, token(email, PASSWORD));
    }

    /**
     * Issue 16 end to end: identity's renewal gives a new token every service accepts; the console, whose renewal window
     * on the shared stack is longer than a token's life (SharedStack), renews on each request, so a signed-in session
     * keeps working on new tokens, and a deleted account's session ends at its next request, at once: identity reads
     * the account at each renewal instead of waiting for the revocation record.
     */
    @Test
    void theConsoleRenewsItsSessionsTokenAndADeletedAccountsSessionEndsAtTheNextRenewal() throws Exception {
        String email = address("renewed");
        String userId = createUser(email, List.of());
        String signedIn = token(email, PASSWORD);
        HttpResponse<String> renewal = http.post(IDENTITY + "/api/v1/auth/token/renew", signedIn, null);
        String renewed = http.body(renewal).path("accessToken").asText();
        List<Integer> renewedTokenAnswers = probes(userId, renewed).stream().map(HttpResponse::statusCode).toList();

        String console = "http://127.0.0.1:" + PORTS.console() + "/console";
        String session = consoleSignIn(console, email);
        Path consoleLog = stack.logFile(Ports.ADMIN_CONSOLE);
        long renewalsBefore = consoleRenewals(consoleLog, userId);
        String membersUrl = console + "/organizations/" + organizationId + "/members";
        String memberRow = "data-email=\"" + email + "\"";
        // the query service's tables may lag the user's creation by a moment: each try is a renewal too; an ended
        // session (sent to sign in) stops the wait at once
        AtomicReference<HttpResponse<String>> membersPage = new AtomicReference<>();
        await("the members page lists the user").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            membersPage.set(consoleGet(membersUrl, session));
            return membersPage.get().statusCode() == 303 || membersPage.get().body().contains(memberRow);
        });
        HttpResponse<String> members = membersPage.get();
        HttpResponse<String> again = consoleGet(membersUrl, session);
        long renewalsWhileUsed = consoleRenewals(consoleLog, userId) - renewalsBefore;

        HttpResponse<String> deleted = http.delete(IDENTITY + "/api/v1/users/" + userId, admin);
        assertThat(deleted.statusCode()).as(describe(deleted)).isBetween(200, 299);
        long deletedAt = System.nanoTime();
        HttpResponse<String> afterDeletion = consoleGet(membersUrl, session);
        long endedAfterMillis = (System.nanoTime() - deletedAt) / 1_000_000;
        HttpResponse<String> afterEnd = consoleGet(console + "/", session);
        boolean refusedByIdentity = Files.readString(stack.logFile(RosterService.IDENTITY.module()))
                .contains("renewal refused for user " + userId + ": no active account");

        List<String> report = List.of(
                "API renewal: " + renewal.statusCode() + ", a new token: " + !renewed.equals(signedIn)
                        + "; the renewed token at identity, invitation, query, notification: " + renewedTokenAnswers,
                "console: members page " + members.statusCode() + ", again "
                        + again.statusCode() + "; renewals logged by the console for the user: " + renewalsWhileUsed,
                "after the deletion: " + afterDeletion.statusCode() + " to " + afterDeletion.headers().firstValue("Location").orElse("")
                        + " in " + endedAfterMillis + " ms; identity logged the refused renewal: " + refusedByIdentity
                        + "; the next request: " + afterEnd.statusCode() + " to " + afterEnd.headers().firstValue("Location").orElse(""));
        report.forEach(line -> log.info("{}", line));
        Files.write(Path.of("target", "token-renewal-e2e-report.txt"), report);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(renewal.statusCode()).as(describe(renewal)).isEqualTo(200);
        softly.assertThat(renewed).as("the renewed token").isNotBlank().isNotEqualTo(signedIn);
        softly.assertThat(renewedTokenAnswers).as("the renewed token at the four services").doesNotContain(401);
        softly.assertThat(members.statusCode()).as("the members page, on a renewed token").isEqualTo(200);
        softly.assertThat(again.statusCode()).as("the members page again, on another renewed token").isEqualTo(200);
        softly.assertThat(members.body()).as("the members table lists the user (read by the query service with the renewed token)")
                .contains(memberRow);
        softly.assertThat(renewalsWhileUsed).as("renewals while the session was used (one per page)").isGreaterThanOrEqualTo(2);
        softly.assertThat(afterDeletion.statusCode()).as("the first request after the deletion").isEqualTo(303);
        softly.assertThat(afterDeletion.headers().firstValue("Location")).as("sent to").contains("/console/sign-in?ended=true");
        // which of identity's two guards refused it is a race (the account read at renewal, or the revocation record
        // that follows the deletion within a second or so): reported, not asserted. TokenRenewalTest shows the account
        // check alone, right after the deletion
        softly.assertThat(afterEnd.headers().firstValue("Location")).as("the session is gone").contains("/console/sign-in");
        softly.assertAll();
    }

    /** One authenticated request to each service: whatever the answer, it is not 401. */
    private void assertAcceptedEverywhere(String userId, String token) throws Exception {
        for (HttpResponse<String> response : probes(userId, token)) {
            assertThat(response.statusCode()).as(describe(response)).isNotEqualTo(401);
        }
    }

    private void assertRefusedEverywhereWithin5s(String userId, String token) {
        await("the old token refused by all four services").atMost(BUDGET).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (HttpResponse<String> response : probes(userId, token)) {
                        http.assertProblem(response, 401, "unauthenticated");
                    }
                });
    }

    private List<HttpResponse<String>> probes(String userId, String token) throws Exception {
        return List.of(
                // an empty body: 400 once the token is accepted, so nothing is created
                http.postAsJson(IDENTITY + "/api/v1/organizations", token, Map.of()),
                http.get(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations", token),
                http.get(QUERY + "/api/v1/users/" + userId + "/memberships", token),
                http.get(NOTIFICATION + "/api/v1/notifications", token));
    }

    private String token(String email, String password) throws Exception {
        return http.login(IDENTITY, email, password);
    }

    private String createUser(String email, List<String> providerRoles) throws Exception {
        HttpResponse<String> created = http.postAsJson(IDENTITY + "/api/v1/users", admin, Map.of("firstName", "Test", "lastName", "User",
                "email", email, "password", PASSWORD, "providerRoles", providerRoles,
                "memberships", List.of(Map.of("organizationId", organizationId, "roles", List.of("member")))));
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        return http.body(created).path("userId").asText();
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
    }

    /** Signs in through the console's form as a browser would (its session cookie and CSRF token); the session id. */
    private String consoleSignIn(String console, String email) throws Exception {
        HttpResponse<String> page = consoleGet(console + "/sign-in", null);
        String cookie = sessionCookie(page);
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as("the sign-in form's CSRF token").isTrue();
        String form = "_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(console + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", SESSION_COOKIE + "=" + cookie)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).as("signing in to the console").isEqualTo(303);
        String rotated = sessionCookie(signedIn);
        return rotated != null ? rotated : cookie;
    }

    private HttpResponse<String> consoleGet(String url, String session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (session != null) {
            request.header("Cookie", SESSION_COOKIE + "=" + session);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(SESSION_COOKIE + "="))
                .map(c -> c.substring(SESSION_COOKIE.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElse(null);
    }

    /** The console's "renewed the token of SignedInUser[userId, ...]" lines so far. */
    private static long consoleRenewals(Path consoleLog, String userId) throws IOException {
        try (var lines = Files.lines(consoleLog)) {
            return lines.filter(line -> line.contains("renewed the token of SignedInUser[" + userId + ",")).count();
        }
    }
}
