package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 5's browser flow in a real browser: the whole suite as separate processes, an invitation email read over
 * IMAP, and its link opened in headless Chromium (Debian's {@code /usr/bin/chromium} driven by its
 * {@code /usr/bin/chromedriver}; Selenium Manager is never asked for anything, so nothing is downloaded). The
 * pages are the invitation service's; their script signs up and logs in at the identity service, another origin,
 * through its CORS. The same goes for the pages of the account emails' links ({@code /verify-email}, which lets a
 * domain link's newcomer join, {@code /account-setup} and {@code /password-reset}). Steps build on each other and
 * run in order.
 *
 * <p>It runs on the {@link SharedStack}; its {@code chromedriver.log} is in the stack's data folder
 * ({@code local-stack/target/shared-stack-data/browser-flow}).
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserInvitationFlowIT {

    private static final Logger log = LoggerFactory.getLogger(BrowserInvitationFlowIT.class);
    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final Pattern INVITE_LINK = Pattern.compile(Pattern.quote(INVITATION) + "/invite/[A-Za-z0-9_-]+");
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final StackHttp http = new StackHttp();

    private Path dataDir;
    private RunningStack stack;
    private WebDriver browser;
    private String adminToken;
    private String newcomer;

    @BeforeAll
    void startTheStackAndTheBrowser() throws Exception {
        if (Chromium.missing().isPresent()) {
            // each test is skipped with the reason in needsChromium(): an assumption failing here would abort the class
            // before any test started, and failsafe counted no test at all instead of skipped ones
            log.warn("every step is skipped: {}", Chromium.missing().get());
            return;
        }
        // the stack tells the pages' script identity's address and identity lets its pages in
        // (ROSTER_IDENTITY_PUBLIC_URL, ROSTER_BROWSER_ORIGINS)
        stack = SharedStack.stack();
        LocalStackConfig config = stack.config();
        dataDir = SharedStack.folder("browser-flow");
        browser = Chromium.headless(dataDir, "1024,900", PATIENCE);
        adminToken = http.login(IDENTITY, config.adminEmail(), config.adminPassword());
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(Chromium.missing().isEmpty(), () -> Chromium.missing().orElseThrow());
    }

    @AfterAll
    void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void anUnknownTokenShowsTheNotFoundPage() throws Exception {
        String unknown = INVITATION + "/invite/" + randomToken();
        browser.get(unknown);
        assertThat(text(By.id("problem-title"))).isEqualTo("This invitation link is not valid");
        assertThat(browser.findElement(By.id("problem-code")).getDomAttribute("data-code")).isEqualTo("invitation_not_found");
        assertThat(browser.manage().getCookieNamed("roster_invitation")).isNull();
        assertThat(http.page(unknown).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aVisitorWhoIsNotLoggedInIsSentToSignUpSignsUpReturnsToTheAcceptanceAndBecomesAMember() throws Exception {
        String organizationId = createOrganization("Browser Co");
        newcomer = "newcomer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String link = invite(organizationId, newcomer, "Browser Co");

        browser.get(link);
        awaitPath("/invite/sign-up");
        Cookie invitation = browser.manage().getCookieNamed("roster_invitation");
        assertThat(invitation).as("the invitation cookie").isNotNull();
        assertThat(invitation.isHttpOnly()).isTrue();
        assertThat(invitation.getSameSite()).isEqualTo("Lax");
        assertThat(invitation.getPath()).isEqualTo("/invite");
        assertThat(invitation.getExpiry().toInstant())
                .isBetween(Instant.now().plus(Duration.ofMinutes(29)), Instant.now().plus(Duration.ofMinutes(31)));
        assertThat(text(By.id("organization-name"))).isEqualTo("Browser Co");

        type("email", newcomer);
        type("firstName", "Nora");
        type("lastName", "Newcomer");
        type("password", "short");
        browser.findElement(By.id("submit")).click();
        // identity's validation problem, read across origins, shown next to the field
        await("the password problem on the form").atMost(PATIENCE).until(
                () -> browser.findElement(By.cssSelector("[data-error-for=password]")).isDisplayed());
        assertThat(browser.findElement(By.id("form-error")).getDomAttribute("data-code")).isEqualTo("validation_failed");

        type("password", PASSWORD);
        browser.findElement(By.id("submit")).click();
        awaitPath(URI.create(link).getPath());
        assertThat(text(By.id("organization-name"))).isEqualTo("Browser Co");
        assertThat(text(By.id("caller-email"))).isEqualTo(newcomer);
        Cookie session = browser.manage().getCookieNamed("roster_session");
        assertThat(session).as("the session cookie").isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");

        browser.findElement(By.id("accept")).click();
        await("the joined page").atMost(PATIENCE).until(() -> !browser.findElements(By.id("joined")).isEmpty());
        assertThat(text(By.id("organization-name"))).isEqualTo("Browser Co");
        assertThat(browser.findElement(By.id("joined")).getDomAttribute("data-organization-id")).isEqualTo(organizationId);
        awaitActiveMember(organizationId, newcomer);
        assertThat(http.login(IDENTITY, newcomer, PASSWORD)).isNotBlank();
    }

    @Test
    @Order(3)
    void anAlreadyLoggedInUserSeesTheOrganizationAndAcceptAtOnce() throws Exception {
        String organizationId = createOrganization("Second Co");
        String link = invite(organizationId, newcomer, "Second Co");

        browser.get(link);
        assertThat(URI.create(browser.getCurrentUrl()).getPath()).as("no detour through login").isEqualTo(URI.create(link).getPath());
        assertThat(text(By.id("organization-name"))).isEqualTo("Second Co");
        assertThat(text(By.id("roles"))).isEqualTo("member");
        assertThat(text(By.id("caller-email"))).isEqualTo(newcomer);
        browser.findElement(By.id("accept")).click();
        await("the joined page").atMost(PATIENCE).until(() -> !browser.findElements(By.id("joined")).isEmpty());
        awaitActiveMember(organizationId, newcomer);
    }

    @Test
    @Order(4)
    void anExistingUserLogsInThroughTheInvitationAndSeesAWrongPasswordRefused() throws Exception {
        String carol = "carol-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> created = http.postAsJson(IDENTITY + "/api/v1/users", adminToken, Map.of("firstName", "Carol",
                "lastName", "Existing", "email", carol, "password", PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String organizationId = createOrganization("Third Co");
        String link = invite(organizationId, carol, "Third Co");

        browser.manage().deleteAllCookies();
        browser.get(link);
        awaitPath("/invite/sign-up");
        browser.findElement(By.id("to-login")).click();
        awaitPath("/invite/login");
        assertThat(text(By.id("organization-name"))).isEqualTo("Third Co");

        type("email", carol);
        type("password", "not her password");
        browser.findElement(By.id("submit")).click();
        await("the refusal on the form").atMost(PATIENCE).until(() -> browser.findElement(By.id("form-error")).isDisplayed());
        assertThat(browser.findElement(By.id("form-error")).getDomAttribute("data-code")).isEqualTo("invalid_credentials");
        assertThat(text(By.id("form-error"))).contains("The email or password is wrong.");

        type("password", PASSWORD);
        browser.findElement(By.id("submit")).click();
        awaitPath(URI.create(link).getPath());
        assertThat(text(By.id("caller-email"))).isEqualTo(carol);
        browser.findElement(By.id("accept")).click();
        await("the joined page").atMost(PATIENCE).until(() -> !browser.findElements(By.id("joined")).isEmpty());
        awaitActiveMember(organizationId, carol);
    }

    @Test
    @Order(5)
    void aVisitorSignsUpThroughADomainLinkVerifiesTheAddressFromTheEmailAndJoins() throws Exception {
        String organizationId = createOrganization("Domain Co");
        String link = await("the invitation service knows Domain Co").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> http.postAsJson(INVITATION + "/api/v1/organizations/" + organizationId + "/invitation-links", adminToken,
                        Map.of("name", "Everyone at example.org", "emails", List.of("*@example.org"), "roles", List.of("member"))),
                        response -> response.statusCode() == 201)
                .body();
        String url = http.readTree(link).path("url").asText();
        String dana = "dana-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";

        browser.manage().deleteAllCookies();
        browser.get(url);
        awaitPath("/invite/sign-up");
        type("email", dana);
        type("firstName", "Dana");
        type("lastName", "Domain");
        type("password", PASSWORD);
        browser.findElement(By.id("submit")).click();
        // back on the link, logged in, but a domain link wants a verified address first
        awaitPath(URI.create(url).getPath());
        browser.findElement(By.id("accept")).click();
        await("the refusal page").atMost(PATIENCE).until(() -> !browser.findElements(By.id("problem-code")).isEmpty());
        assertThat(browser.findElement(By.id("problem-code")).getDomAttribute("data-code")).isEqualTo("email_not_verified");

        String verification = emailLink(dana, "/verify-email?token=");
        browser.get(verification);
        assertThat(text(By.tagName("h1"))).isEqualTo("Verify your email address");
        browser.findElement(By.id("submit")).click();
        await("the address verified").atMost(PATIENCE).until(() -> browser.findElement(By.id("done")).isDisplayed());
        // having signed up through the link, the verified address joins without another click
        awaitActiveMember(organizationId, dana);

        browser.get(verification);
        browser.findElement(By.id("submit")).click();
        await("the used link refused").atMost(PATIENCE).until(() -> browser.findElement(By.id("form-error")).isDisplayed());
        assertThat(browser.findElement(By.id("form-error")).getDomAttribute("data-code")).isEqualTo("token_not_found");
    }

    @Test
    @Order(6)
    void aUserCreatedWithoutAPasswordSetsItUpFromTheEmailLink() throws Exception {
        String erin = "erin-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> created = http.postAsJson(IDENTITY + "/api/v1/users", adminToken,
                Map.of("firstName", "Erin", "lastName", "Setup", "email", erin));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        browser.get(emailLink(erin, "/account-setup?token="));
        type("password", PASSWORD);
        type("passwordConfirmation", PASSWORD + " typo");
        browser.findElement(By.id("submit")).click();
        await("the mismatch on the form").atMost(PATIENCE).until(
                () -> browser.findElement(By.cssSelector("[data-error-for=passwordConfirmation]")).isDisplayed());
        type("password", "short");
        type("passwordConfirmation", "short");
        browser.findElement(By.id("submit")).click();
        // identity's password rule, read across origins
        await("the password problem on the form").atMost(PATIENCE).until(
                () -> browser.findElement(By.cssSelector("[data-error-for=password]")).isDisplayed());

        type("password", PASSWORD);
        type("passwordConfirmation", PASSWORD);
        browser.findElement(By.id("submit")).click();
        await("the account set up").atMost(PATIENCE).until(() -> browser.findElement(By.id("done")).isDisplayed());
        assertThat(http.login(IDENTITY, erin, PASSWORD)).isNotBlank();
    }

    @Test
    @Order(7)
    void aForgottenPasswordIsResetOnTheResetPage() throws Exception {
        String finn = "finn-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> created = http.postAsJson(IDENTITY + "/api/v1/users", adminToken,
                Map.of("firstName", "Finn", "lastName", "Reset", "email", finn, "password", PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(http.postAsJson(IDENTITY + "/api/v1/auth/password-reset", null, Map.of("email", finn)).statusCode()).isEqualTo(202);

        browser.get(emailLink(finn, "/password-reset?token="));
        type("password", PASSWORD + " renewed");
        type("passwordConfirmation", PASSWORD + " renewed");
        browser.findElement(By.id("submit")).click();
        await("the new password set").atMost(PATIENCE).until(() -> browser.findElement(By.id("done")).isDisplayed());
        assertThat(http.login(IDENTITY, finn, PASSWORD + " renewed")).isNotBlank();
        assertThat(http.postAsJson(IDENTITY + "/api/v1/auth/token", null, Map.of("email", finn, "password", PASSWORD)).statusCode())
                .isEqualTo(401);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The link of the first email to {@code address} that points at {@code pathAndQuery} of the public base URL. */
    private String emailLink(String address, String pathAndQuery) {
        Pattern pattern = Pattern.compile(Pattern.quote(INVITATION + pathAndQuery) + "[A-Za-z0-9_-]+");
        return await("an email to " + address + " linking to " + pathAndQuery).atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Mailbox.plainTexts(PORTS, address).stream()
                        .map(pattern::matcher).filter(Matcher::find).map(Matcher::group).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    private String text(By locator) {
        return browser.findElement(locator).getText().strip();
    }

    private void type(String fieldId, String value) {
        WebElement field = browser.findElement(By.id(fieldId));
        field.clear();
        field.sendKeys(value);
    }

    private void awaitPath(String path) {
        await("the browser at " + path).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> URI.create(browser.getCurrentUrl()).getPath(), path::equals);
        await("the page at " + path + " loaded").atMost(PATIENCE)
                .until(() -> "complete".equals(((ChromeDriver) browser).executeScript("return document.readyState")));
    }

    private String createOrganization(String name) throws Exception {
        return http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", adminToken, Map.of("name", name)), "organizationId");
    }

    /**
     * Invites {@code email} (once the invitation service has heard of the organization and its admin) and returns
     * the link of the invitation email.
     */
    private String invite(String organizationId, String email, String organizationName) throws Exception {
        HttpResponse<String> invited = await("the invitation service knows " + organizationName).atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> http.postAsJson(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations", adminToken,
                        Map.of("emails", List.of(email), "roles", List.of("member"))), response -> response.statusCode() == 201);
        assertThat(http.body(invited).path("invitations")).as(invited.body()).hasSize(1);
        String text = await("the invitation email to " + email).atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Mailbox.plainTextAbout(PORTS, email, organizationName), Optional::isPresent).orElseThrow();
        Matcher link = INVITE_LINK.matcher(text);
        assertThat(link.find()).as("a link to the invitation service's /invite page in:\n" + text).isTrue();
        return link.group();
    }

    private void awaitActiveMember(String organizationId, String email) {
        await(email + " an active member of " + organizationId + " in the query API").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    HttpResponse<String> members = http.get(QUERY + "/api/v1/organizations/" + organizationId + "/members", adminToken);
                    if (members.statusCode() != 200) {
                        return false;
                    }
                    for (JsonNode row : http.body(members).path("items")) {
                        if (email.equals(row.path("email").asText()) && "active".equals(row.path("status").asText())
                                && !row.path("userId").asText().isEmpty()) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    private static String randomToken() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
