package io.roster.localstack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16's admin console, first slice, as a person uses it: the whole suite and the console as separate processes,
 * headless Chromium signing in, switching organization, filtering, adding, removing (one confirmation for many,
 * the last-admin refusal, a single removal cancelled), inviting by address chips, and a plain member who sees no admin
 * action, whose forged removal is refused by the API (and by the console's CSRF protection without the page's token),
 * and whose members page fits a phone's width. The second slice's teams, invitations and links follow, and the third
 * slice's bulk CSV (a 2 MB picture and an empty file refused readably, dry run, report, real run), email (delivery
 * log, SMTP settings whose password never comes back, a test send into the mail catcher) and audit (filtered timeline,
 * its export, the members as of the seed), with mia's forged upload and settings refused by the API. The fourth
 * slice's edits close it (steps from 30): a member's roles and end date changed in their row, the last admin's
 * demotion and end date refused in hers, a user created, a pending invitation edited, two resent at once with the
 * report in place, a link edited back to never expires and unlimited, and mia's forged edits refused by the API.
 *
 * <p>One stack for all steps (they build on each other and run in order). Each step's figures go to the log and to
 * {@code target/admin-console-report.txt}. Screenshots of the sign-in, members and invite pages go to
 * {@code target/console-screenshots/}, and with {@code -Dconsole.screenshots.write=true} also to {@code docs/console/}.
 * Without Chromium every step is reported skipped with the reason. The data folder is
 * {@code local-stack/target/shared-stack-data} ({@link SharedStack}: the services' and the console's logs), this class's
 * {@code chromedriver.log} in its {@code admin-console} folder.
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleBrowserIT {

    private static final Logger log = LoggerFactory.getLogger(AdminConsoleBrowserIT.class);
    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String NOTIFICATION = "http://127.0.0.1:" + PORTS.notification();
    private static final String CONSOLE = "http://127.0.0.1:" + PORTS.console() + "/console";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String SCREENSHOTS_WRITE = "console.screenshots.write";
    /**
     * How far a page sticks out of the viewport sideways, and the outermost elements that do (outside any box that
     * scrolls or clips on its own, like the tables' wrappers); empty when it fits.
     */
    private static final String SIDEWAYS_OVERFLOW = """
            const width = window.innerWidth;
            const overflow = document.documentElement.scrollWidth - width;
            if (overflow <= 0) { return ''; }
            // a box that scrolls or clips holds its content, but not what is positioned against a block outside it
            const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
                if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) {
                    return !['absolute', 'fixed'].includes(getComputedStyle(e).position) || getComputedStyle(a).position !== 'static'; } }
                return false; };
            const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '');
            const out = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e))
                .filter((e, i, all) => !all.includes(e.parentElement)).slice(0, 4).map(e => describe(e) + ' ' + Math.round(e.getBoundingClientRect().width) + 'px');
            return overflow + ' px: ' + out.join(', ');
            """;

    private final StackHttp http = new StackHttp();
    private final List<String> report = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    private RunningStack stack;
    private ChromeDriver browser;
    private Path dataDir;
    private String organizationId;
    /** Alice's second organization, where the provider admin is no member. */
    private String sideOrganizationId;
    private LocalStackConfig config;
    private String aliceToken;
    private final Map<String, String> userIds = new java.util.LinkedHashMap<>();
    /** After the seed: the members then were alice, bob, carol, dave and mia (bob and carol are removed in step 5). */
    private java.time.Instant seededAt;

    @BeforeAll
    void startTheStackTheConsoleAndTheBrowser() throws Exception {
        if (Chromium.missing().isPresent()) {
            log.warn("every step is skipped: {}", Chromium.missing().get());
            return;
        }
        stack = SharedStack.stack();
        config = stack.config();
        dataDir = SharedStack.folder("admin-console");
        report.add(String.format("stack with console ready in %.1f s (shared with other classes)",
                stack.startupTime().toMillis() / 1000.0));
        long seeding = System.nanoTime();
        seed(config);
        report.add(String.format("seeded 2 organizations, 6 accounts in %.1f s", (System.nanoTime() - seeding) / 1e9));
        seededAt = java.time.Instant.now();
        browser = Chromium.headless(dataDir, "1280,1000", PATIENCE);
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(Chromium.missing().isEmpty(), () -> Chromium.missing().orElseThrow());
    }

    @AfterAll
    void stopTheBrowserAndWriteTheReport() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (!report.isEmpty()) {
            String text = String.join("\n", report);
            log.info("== admin console report\n{}", text);
            Files.writeString(Path.of("target", "admin-console-report.txt"), text + "\n");
        }
    }

    /**
     * Alice creates "Console Co" (its only admin) and "Side Co"; the provider admin creates bob, carol, dave and mia
     * as members of Console Co (bob in team Platform) and erin, who belongs nowhere, all with a password.
     */
    private void seed(LocalStackConfig config) throws Exception {
        String admin = http.login(IDENTITY, config.adminEmail(), config.adminPassword());
        createUser(admin, "alice", "Alice", List.of());
        aliceToken = http.login(IDENTITY, email("alice"), PASSWORD);
        organizationId = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", aliceToken, Map.of("name", "Console Co " + run)),
                "organizationId");
        sideOrganizationId = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", aliceToken, Map.of("name", "Side Co " + run)),
                "organizationId");
        String platform = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations/" + organizationId + "/teams", aliceToken,
                Map.of("name", "Platform")), "teamId");
        createUser(admin, "bob", "Bob", List.of(Map.of("organizationId", organizationId, "roles", List.of("member"), "teamIds", List.of(platform))));
        for (String name : List.of("carol", "dave", "mia")) {
            createUser(admin, name, capitalized(name), List.of(Map.of("organizationId", organizationId, "roles", List.of("member"))));
        }
        createUser(admin, "erin", "Erin", List.of());
        await("the five members in the query API").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> memberEmails().size() == 5);
        // inviting needs the invitation service to know the organization and its admin
        await("the invitation service knows Console Co").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> http.get(INVITATION + "/api/v1/organizations/" + organizationId + "/invitation-settings", aliceToken)
                        .statusCode() == 200);
    }

    private void createUser(String adminToken, String name, String firstName, List<Map<String, Object>> memberships) throws Exception {
        String userId = http.created(http.postAsJson(IDENTITY + "/api/v1/users", adminToken, Map.of("firstName", firstName,
                "lastName", "Tester", "email", email(name), "password", PASSWORD, "memberships", memberships)), "userId");
        userIds.put(name, userId);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void signInRefusesAWrongPasswordReadablyThenSignsInWithAnHttpOnlySessionCookie() throws Exception {
        long started = System.nanoTime();
        browser.get(CONSOLE + "/");
        awaitPath("/console/sign-in");
        screenshot("sign-in");
        type("email", email("alice"));
        type("password", "not her password");
        clickToLoad(By.id("sign-in"));
        SoftAssertions softly = new SoftAssertions();
        String refusalCode = browser.findElement(By.id("sign-in-problem")).getDomAttribute("data-code");
        softly.assertThat(refusalCode).isEqualTo("invalid_credentials");
        softly.assertThat(text(By.id("sign-in-problem"))).contains("The email or password is wrong.");

        type("password", PASSWORD);
        clickToLoad(By.id("sign-in"));
        awaitPath("/console/");
        Cookie session = browser.manage().getCookieNamed("ROSTER_CONSOLE_SESSION");
        softly.assertThat(session).as("the session cookie").isNotNull();
        if (session != null) {
            softly.assertThat(session.isHttpOnly()).as("HttpOnly").isTrue();
            softly.assertThat(session.getSameSite()).as("SameSite").isEqualTo("Lax");
        }
        List<String> organizations = texts(By.cssSelector("#organizations a"));
        softly.assertThat(organizations).as("alice's organizations on the switcher page")
                .containsExactlyInAnyOrder("Console Co " + run, "Side Co " + run);
        softly.assertThat(text(By.id("signed-in-as"))).isEqualTo(email("alice"));
        step("sign-in", started, "wrong password refused as " + refusalCode + "; organizations " + organizations);
        softly.assertAll();
    }

    @Test
    @Order(2)
    void theSwitcherOpensAnOrganizationWhoseMembersTableShowsTheSeededMembers() {
        long started = System.nanoTime();
        clickToLoad(By.linkText("Side Co " + run));
        awaitText("Side Co's members page", By.id("organization-name"), ("Side Co " + run)::equals);
        choose("organization-switcher", organizationId);
        clickToLoad(By.id("switch"));
        awaitText("Console Co's members page", By.id("organization-name"), ("Console Co " + run)::equals);
        Set<String> shown = shownEmails();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(shown).as("the members table").isEqualTo(Set.of(email("alice"), email("bob"), email("carol"), email("dave"), email("mia")));
        softly.assertThat(browser.findElements(By.id("read-only"))).as("no read-only note for an admin").isEmpty();
        softly.assertThat(browser.findElements(By.id("add-form"))).as("the add form").hasSize(1);
        WebElement bob = row(email("bob"));
        softly.assertThat(bob.getText()).as("bob's row").contains("Platform").contains("member").contains("active");
        step("switch", started, shown.size() + " members shown in Console Co");
        softly.assertAll();
    }

    @Test
    @Order(3)
    void searchAndRoleFiltersNarrowTheTableInPlace() {
        long started = System.nanoTime();
        type("q", "bob");
        await("only bob after the search").atMost(PATIENCE).until(() -> shownEmails().equals(Set.of(email("bob"))));
        browser.findElement(By.id("q")).clear();
        browser.findElement(By.id("q")).sendKeys(Keys.BACK_SPACE);
        await("everyone after clearing the search").atMost(PATIENCE).until(() -> shownEmails().size() == 5);
        choose("role-filter", "admin");
        await("only alice among the admins").atMost(PATIENCE).until(() -> shownEmails().equals(Set.of(email("alice"))));
        String url = browser.getCurrentUrl();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(url).as("the filter is in the address (htmx pushed it)").contains("role=admin");
        step("filters", started, "search 'bob' → 1 row, role admin → 1 row; address " + URI.create(url).getQuery());
        browser.get(CONSOLE + "/organizations/" + organizationId + "/members");
        awaitLoaded();
        softly.assertAll();
    }

    @Test
    @Order(4)
    void anExistingUserIsAddedByEmailAndShowsAtOnce() throws Exception {
        long started = System.nanoTime();
        type("add-email", email("erin"));
        clickToLoad(By.id("add-member"));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).isEqualTo("Added " + email("erin") + ".");
        softly.assertThat(shownEmails()).as("the table right after the addition (read with its Consistency-Token)").contains(email("erin"));
        softly.assertThat(memberEmails()).as("the API's member list").contains(email("erin"));
        screenshot("members");
        step("add", started, "erin added; table shows " + shownEmails().size() + " members");
        softly.assertAll();
    }

    @Test
    @Order(5)
    void twoMembersSelectedByCheckboxesAreRemovedAfterAConfirmationThatCountsThem() throws Exception {
        long started = System.nanoTime();
        browser.findElement(By.id("select-" + userIds.get("bob"))).click();
        browser.findElement(By.id("select-" + userIds.get("carol"))).click();
        clickToLoad(By.id("remove-selected"));
        SoftAssertions softly = new SoftAssertions();
        String title = text(By.id("confirm-title"));
        softly.assertThat(title).isEqualTo("Remove 2 members?");
        softly.assertThat(text(By.id("confirm-list"))).contains(email("bob")).contains(email("carol"));
        softly.assertThat(memberEmails()).as("nothing removed before the confirmation").contains(email("bob"), email("carol"));
        clickToLoad(By.id("confirm-remove"));
        softly.assertThat(text(By.id("notice"))).startsWith("Removed 2 members");
        softly.assertThat(shownEmails()).as("the table at once").doesNotContain(email("bob"), email("carol")).contains(email("dave"));
        softly.assertThat(memberEmails()).as("the API's member list").doesNotContain(email("bob"), email("carol"));
        softly.assertThat(http.login(IDENTITY, email("bob"), PASSWORD)).as("bob's account kept").isNotBlank();
        softly.assertThat(http.login(IDENTITY, email("carol"), PASSWORD)).as("carol's account kept").isNotBlank();
        step("bulk remove", started, "confirmation '" + title + "'; " + shownEmails().size() + " members left");
        softly.assertAll();
    }

    @Test
    @Order(6)
    void removingTheLastAdminWithAnotherIsRefusedWholeWithAReadableMessage() throws Exception {
        long started = System.nanoTime();
        browser.findElement(By.id("select-" + userIds.get("alice"))).click();
        browser.findElement(By.id("select-" + userIds.get("dave"))).click();
        clickToLoad(By.id("remove-selected"));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("confirm-title"))).isEqualTo("Remove 2 members?");
        clickToLoad(By.id("confirm-remove"));
        String refusalCode = browser.findElement(By.id("remove-problem")).getDomAttribute("data-code");
        String refusal = text(By.id("remove-problem"));
        softly.assertThat(refusalCode).isEqualTo("last_admin");
        softly.assertThat(refusal).contains("an organization must keep at least one admin");
        softly.assertThat(shownEmails()).as("all-or-nothing: both still shown").contains(email("alice"), email("dave"));
        softly.assertThat(memberEmails()).as("all-or-nothing: both still members").contains(email("alice"), email("dave"));
        step("last admin", started, "refused " + refusalCode + ": " + refusal.replace('\n', ' '));
        softly.assertAll();
    }

    @Test
    @Order(7)
    void oneMembersRemoveButtonAsksFirstAndCancelKeepsThem() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.cssSelector("button[name=userIds][value='" + userIds.get("dave") + "']"));
        SoftAssertions softly = new SoftAssertions();
        String title = text(By.id("confirm-title"));
        softly.assertThat(title).isEqualTo("Remove 1 member?");
        softly.assertThat(text(By.id("confirm-list"))).contains(email("dave"));
        clickToLoad(By.id("cancel-remove"));
        softly.assertThat(browser.findElements(By.id("confirm-removal"))).as("the confirmation gone").isEmpty();
        softly.assertThat(shownEmails()).as("dave still shown").contains(email("dave"));
        softly.assertThat(memberEmails()).as("dave still a member").contains(email("dave"));
        step("remove one", started, "confirmation '" + title + "', cancelled; dave kept");
        softly.assertAll();
    }

    @Test
    @Order(8)
    void threeAddressesTypedAsChipsAreInvitedAndAnExistingMemberIsReportedInPlace() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-invite"));
        awaitPath("/console/organizations/" + organizationId + "/invite");
        List<String> invitees = List.of(email("ivy"), email("jon"), email("kim"));
        for (String address : invitees) {
            browser.findElement(By.id("address")).sendKeys(address, Keys.ENTER);
        }
        browser.findElement(By.id("address")).sendKeys(email("mia"), ",");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(browser.findElements(By.cssSelector("#chips .chip"))).as("four chips").hasSize(4);
        softly.assertThat(text(By.id("chip-count"))).isEqualTo("4 of 20 addresses");
        screenshot("invite");
        browser.findElement(By.id("send-invitations")).click();
        await("the result per address").atMost(PATIENCE).until(() -> browser.findElements(By.cssSelector("#invite-outcomes .outcome")).size() == 4);
        Map<String, String> outcomes = browser.findElements(By.cssSelector("#invite-outcomes .outcome")).stream()
                .collect(Collectors.toMap(row -> row.getDomAttribute("data-email"), row -> row.getDomAttribute("data-code")));
        softly.assertThat(outcomes).as("each address's result").isEqualTo(Map.of(email("ivy"), "invited", email("jon"), "invited",
                email("kim"), "invited", email("mia"), "already_member"));
        softly.assertThat(text(By.id("invite-outcomes"))).contains("Already a member.");
        softly.assertThat(URI.create(browser.getCurrentUrl()).getPath()).as("the result came in place (htmx), no page load")
                .isEqualTo("/console/organizations/" + organizationId + "/invite");
        screenshot("invite-result");
        clickToLoad(By.id("to-members"));
        Set<String> pending = browser.findElements(By.cssSelector("tr.member[data-status=pending]")).stream()
                .map(row -> row.getDomAttribute("data-email")).collect(Collectors.toCollection(TreeSet::new));
        softly.assertThat(pending).as("the three invitees shown pending at once").isEqualTo(new TreeSet<>(invitees));
        step("invite", started, "results " + new java.util.TreeMap<>(outcomes) + "; pending rows " + pending.size());
        softly.assertAll();
    }

    @Test
    @Order(9)
    void anEmptyInvitationAndOneOf21AddressesGetReadableMessages() {
        long started = System.nanoTime();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/invite");
        awaitLoaded();
        browser.findElement(By.id("send-invitations")).click();
        String empty = awaitText("the empty invitation's message", By.id("invite-problem"), shown -> !shown.isEmpty());
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(empty).isEqualTo("Add at least one email address to invite.");

        String many = IntStream.rangeClosed(1, 21).mapToObj(i -> email("many" + i)).collect(Collectors.joining(","));
        browser.findElement(By.id("address")).sendKeys(many, Keys.ENTER);
        softly.assertThat(browser.findElements(By.cssSelector("#chips .chip"))).as("21 chips").hasSize(21);
        softly.assertThat(text(By.id("chip-count"))).isEqualTo("21 of 20 addresses: remove 1 before sending");
        browser.findElement(By.id("send-invitations")).click();
        String tooMany = awaitText("the 21 addresses' message", By.id("invite-problem"), shown -> shown.contains("21"));
        softly.assertThat(tooMany).isEqualTo("At most 20 addresses can be invited at once; 21 were given. Remove 1 and send again.");
        softly.assertThat(browser.getPageSource()).as("never a stack trace").doesNotContain("Exception").doesNotContain("at io.roster");
        step("bad invites", started, "empty → '" + empty + "'; 21 → '" + tooMany + "'");
        softly.assertAll();
    }

    @Test
    @Order(10)
    void teamsAreCreatedRenamedRefusedATakenNameInTheirRowAndDeletedAfterAConfirmation() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-teams"));
        awaitPath("/console/organizations/" + organizationId + "/teams");
        SoftAssertions softly = new SoftAssertions();
        Map<String, Long> apiCounts = teamCounts();
        softly.assertThat(shownTeams()).as("the teams table shows the API's teams and member counts").isEqualTo(apiCounts);

        type("team-name", "Design");
        clickToLoad(By.id("create-team"));
        softly.assertThat(text(By.id("notice"))).isEqualTo("Created team Design.");
        softly.assertThat(shownTeams()).as("the table right after the creation").containsEntry("Design", 0L);
        softly.assertThat(teamCounts()).as("the API's teams").containsKey("Design");
        screenshot("teams");

        String design = browser.findElement(By.cssSelector("tr.team[data-name='Design']")).getDomAttribute("data-team-id");
        type("rename-" + design, "Design Ops");
        clickToLoad(By.id("rename-button-" + design));
        softly.assertThat(text(By.id("notice"))).isEqualTo("Renamed the team to Design Ops.");
        softly.assertThat(shownTeams()).as("the table after the renaming").containsKey("Design Ops").doesNotContainKey("Design");
        softly.assertThat(teamCounts()).as("the API lists the new name").containsKey("Design Ops").doesNotContainKey("Design");

        type("rename-" + design, "platform");
        clickToLoad(By.id("rename-button-" + design));
        List<WebElement> refusals = browser.findElements(By.cssSelector("tr.team[data-team-id='" + design + "'] #rename-problem"));
        String refusalCode = refusals.isEmpty() ? "none" : refusals.get(0).getDomAttribute("data-code");
        softly.assertThat(refusalCode).as("the refusal shown in Design Ops' own row").isEqualTo("team_name_taken");
        softly.assertThat(browser.findElement(By.id("rename-" + design)).getDomProperty("value"))
                .as("what was typed is kept in the field").isEqualTo("platform");
        softly.assertThat(teamCounts()).as("the API still has Design Ops").containsKey("Design Ops");

        clickToLoad(By.id("delete-" + design));
        String title = text(By.id("confirm-title"));
        softly.assertThat(title).isEqualTo("Delete team Design Ops?");
        softly.assertThat(teamCounts()).as("nothing deleted before the confirmation").containsKey("Design Ops");
        clickToLoad(By.id("confirm-delete-team"));
        softly.assertThat(text(By.id("notice"))).startsWith("Deleted team Design Ops");
        softly.assertThat(shownTeams()).as("the table after the deletion").doesNotContainKey("Design Ops");
        softly.assertThat(teamCounts()).as("the API's teams after the deletion").doesNotContainKey("Design Ops");
        step("teams", started, "before " + apiCounts + "; created, renamed, taken name refused as " + refusalCode
                + ", confirmation '" + title + "', deleted; now " + shownTeams());
        softly.assertAll();
    }

    @Test
    @Order(11)
    void pendingInvitationsShowTheirExpiryInTheViewersZoneAndAreResentAndRevokedAfterAConfirmation() throws Exception {
        long started = System.nanoTime();
        // the viewer is in Tokyo, the machine in its own zone: the expiry must be shown on the viewer's clock
        browser.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Asia/Tokyo"));
        try {
            clickToLoad(By.id("nav-invitations"));
            awaitPath("/console/organizations/" + organizationId + "/invitations");
            SoftAssertions softly = new SoftAssertions();
            Set<String> invitees = Set.of(email("ivy"), email("jon"), email("kim"));
            softly.assertThat(shownInvitations()).as("the pending invitations (the default filter)").isEqualTo(invitees);

            WebElement ivy = invitationRow(email("ivy"));
            String expiry = ivy.findElement(By.cssSelector("time.expires")).getText().strip();
            String utc = ivy.findElement(By.cssSelector("time.expires")).getDomAttribute("datetime");
            @SuppressWarnings("unchecked")
            Map<String, String> formatted = (Map<String, String>) browser.executeScript("""
                    const options = {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short'};
                    const instant = new Date(arguments[0]);
                    return {tokyo: instant.toLocaleString(undefined, Object.assign({timeZone: 'Asia/Tokyo'}, options)),
                            utc: instant.toLocaleString(undefined, Object.assign({timeZone: 'UTC'}, options))};""", utc);
            softly.assertThat(expiry).as("ivy's expiry " + utc + " on the viewer's (Tokyo) clock").isEqualTo(formatted.get("tokyo"))
                    .isNotEqualTo(formatted.get("utc"));
            softly.assertThat(ivy.findElement(By.cssSelector(".resend-count")).getText()).isEqualTo("never");
            screenshot("invitations");

            String ivyId = ivy.getDomAttribute("data-invitation-id");
            clickToLoad(By.id("resend-" + ivyId));
            softly.assertThat(text(By.id("notice"))).startsWith("Sent the invitation to " + email("ivy") + " again");
            softly.assertThat(invitationRow(email("ivy")).findElement(By.cssSelector(".resend-count")).getText())
                    .as("the table right after the resend").isEqualTo("1 time");
            long apiResends = apiInvitation(email("ivy")).path("resendCount").asLong();
            softly.assertThat(apiResends).as("the API's resendCount").isEqualTo(1);

            String jonId = invitationRow(email("jon")).getDomAttribute("data-invitation-id");
            clickToLoad(By.id("revoke-" + jonId));
            String title = text(By.id("confirm-title"));
            softly.assertThat(title).isEqualTo("Revoke the invitation of " + email("jon") + "?");
            softly.assertThat(apiInvitation(email("jon")).path("status").asText()).as("still pending before the confirmation")
                    .isEqualTo("pending");
            clickToLoad(By.id("confirm-revoke-invitation"));
            softly.assertThat(text(By.id("notice"))).startsWith("Revoked the invitation");
            softly.assertThat(shownInvitations()).as("the pending table without jon").isEqualTo(Set.of(email("ivy"), email("kim")));
            String apiStatus = apiInvitation(email("jon")).path("status").asText();
            softly.assertThat(apiStatus).as("the API's status of jon's invitation").isEqualTo("revoked");

            choose("invitation-status", "revoked");
            await("the revoked invitations in place").atMost(PATIENCE).until(() -> shownInvitations().equals(Set.of(email("jon"))));
            softly.assertThat(browser.getCurrentUrl()).as("the filter in the address").contains("status=revoked");
            step("invitations", started, "3 pending; expiry " + utc + " shown as '" + expiry + "'; ivy resent (API resendCount "
                    + apiResends + "); jon revoked after '" + title + "' (API " + apiStatus + "), listed under revoked");
            softly.assertAll();
        } finally {
            browser.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }

    @Test
    @Order(12)
    void invitationLinksAreCreatedForADomainAndForEveryoneTheirAddressCopiedAndADisabledLinkIsDisabledForItsInvitees()
            throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-links"));
        awaitPath("/console/organizations/" + organizationId + "/links");
        type("link-name", "Partners");
        type("link-emails", "*@partner.example");
        type("link-quota", "5");
        clickToLoad(By.id("create-link"));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).startsWith("Created the link Partners.");
        type("link-name", "Open day");
        choose("link-expires", "0");
        clickToLoad(By.id("create-link"));
        WebElement partners = linkRow("Partners");
        WebElement openDay = linkRow("Open day");
        softly.assertThat(partners.getDomAttribute("data-audience")).isEqualTo("domain");
        softly.assertThat(partners.findElement(By.cssSelector(".audience")).getText()).isEqualTo("domain: partner.example");
        softly.assertThat(partners.findElement(By.cssSelector(".usage")).getText()).isEqualTo("0 / 5");
        softly.assertThat(partners.findElements(By.cssSelector("time[datetime]"))).as("Partners expires (7 days)").hasSize(1);
        softly.assertThat(openDay.getDomAttribute("data-audience")).isEqualTo("public");
        softly.assertThat(openDay.findElement(By.cssSelector(".usage")).getText()).isEqualTo("0 / unlimited");
        softly.assertThat(openDay.getText()).as("Open day never expires").contains("never");
        Map<String, String> apiStatuses = linkStatuses();
        softly.assertThat(apiStatuses).as("the API's links").isEqualTo(Map.of("Partners", "enabled", "Open day", "enabled"));
        // the table, not the form above it, is what the screenshot is for
        browser.executeScript("document.getElementById('links-table').scrollIntoView();");
        screenshot("links");

        String partnersId = partners.getDomAttribute("data-link-id");
        browser.findElement(By.id("copy-" + partnersId)).click();
        await("the link's address beside its button").atMost(PATIENCE)
                .until(() -> !browser.findElements(By.id("url-input-" + partnersId)).isEmpty());
        String url = browser.findElement(By.id("url-input-" + partnersId)).getDomProperty("value");
        String copyOutcome = awaitText("the copy's outcome", By.cssSelector("#url-" + partnersId + " .copy-status"), shown -> !shown.isEmpty());
        String token = url.substring(url.lastIndexOf('/') + 1);
        awaitQuietly("the preview of the new link", () -> preview(token).has("status"));
        String before = preview(token).path("status").asText();
        softly.assertThat(url).as("the address is an invitation link").contains("/invite/");
        softly.assertThat(before).as("the preview of the copied address before disabling").isEqualTo("enabled");

        clickToLoad(By.id("toggle-" + partnersId));
        softly.assertThat(text(By.id("notice"))).startsWith("Disabled the link");
        softly.assertThat(linkRow("Partners").getDomAttribute("data-status")).as("the row at once").isEqualTo("disabled");
        softly.assertThat(text(By.id("toggle-" + partnersId))).as("the toggle now offers").isEqualTo("Enable");
        softly.assertThat(linkStatuses()).as("the API's link status").containsEntry("Partners", "disabled");
        // the invitation service's own lookup of the token follows the disabling event: give it a moment
        awaitQuietly("the preview says disabled", () -> "disabled".equals(preview(token).path("status").asText()));
        String after = preview(token).path("status").asText();
        softly.assertThat(after).as("the public preview of the link").isEqualTo("disabled");
        step("links", started, "Partners (domain, 0 / 5) and Open day (public, unlimited, never expires) created; copy: '"
                + copyOutcome + "'; preview " + before + " → " + after + " after disabling");
        softly.assertAll();
    }

    @Test
    @Order(13)
    void aPlainMemberSeesTheMembersReadOnlyWithNoAdminAction() {
        long started = System.nanoTime();
        clickToLoad(By.id("sign-out"));
        awaitPath("/console/sign-in");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).isEqualTo("You are signed out.");
        type("email", email("mia"));
        type("password", PASSWORD);
        clickToLoad(By.id("sign-in"));
        awaitPath("/console/organizations/" + organizationId + "/members");
        softly.assertThat(browser.findElements(By.id("read-only"))).as("the read-only note").hasSize(1);
        Set<String> seen = shownEmails();
        softly.assertThat(seen).as("she sees the members").contains(email("mia"), email("alice"), email("dave"));
        int removeControls = browser.findElements(By.cssSelector("input[name=userIds], button[name=userIds], #remove-selected")).size();
        int addForms = browser.findElements(By.id("add-form")).size();
        int inviteLinks = browser.findElements(By.id("nav-invite")).size();
        softly.assertThat(removeControls).as("no selection box, no remove button").isZero();
        softly.assertThat(addForms).as("no add form").isZero();
        softly.assertThat(inviteLinks).as("no invite link").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/invite");
        awaitLoaded();
        int inviteForms = browser.findElements(By.id("invite-form")).size();
        softly.assertThat(inviteForms).as("no invite form on the invite page").isZero();
        softly.assertThat(browser.findElements(By.id("read-only"))).as("the invite page says why").hasSize(1);
        step("read-only", started, "mia sees " + seen.size() + " members; remove controls " + removeControls
                + ", add forms " + addForms + ", invite links " + inviteLinks + ", invite forms " + inviteForms);
        browser.get(CONSOLE + "/organizations/" + organizationId + "/members");
        awaitLoaded();
        softly.assertAll();
    }

    @Test
    @Order(14)
    void aForgedRemovalInTheMembersSessionIsRefusedByTheApiAndWithoutTheCsrfTokenByTheConsole() throws Exception {
        long started = System.nanoTime();
        String action = "/console/organizations/" + organizationId + "/members/remove";
        // the page's own CSRF token and session: only the API's authorization stands in the way
        @SuppressWarnings("unchecked")
        Map<String, Object> forged = (Map<String, Object>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const meta = document.querySelector('meta[name=csrf-token]');
                const token = meta ? meta.content : '';
                fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                        body: '_csrf=' + encodeURIComponent(token) + '&userIds=' + arguments[1]})
                    .then(r => r.text().then(t => done({status: r.status, body: t})))
                    .catch(e => done({status: -1, body: String(e)}));""", action, userIds.get("dave"));
        String miaToken = http.login(IDENTITY, email("mia"), PASSWORD);
        HttpResponse<String> direct = http.delete(IDENTITY + "/api/v1/organizations/" + organizationId + "/members/" + userIds.get("dave"), miaToken);
        Cookie session = browser.manage().getCookieNamed("ROSTER_CONSOLE_SESSION");
        HttpResponse<String> withoutCsrf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PORTS.console() + action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", session.getName() + "=" + session.getValue())
                .POST(HttpRequest.BodyPublishers.ofString("userIds=" + userIds.get("dave"))).build(), HttpResponse.BodyHandlers.ofString());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(((Number) forged.get("status")).intValue()).as("the console passes on the API's refusal").isEqualTo(403);
        softly.assertThat((String) forged.get("body")).as("shown readably").contains("data-code=\"forbidden\"")
                .contains("You are not allowed to do this");
        softly.assertThat(direct.statusCode()).as("the API refuses mia's own token too: " + StackHttp.describe(direct)).isEqualTo(403);
        softly.assertThat(http.body(direct).path("code").asText()).isEqualTo("forbidden");
        softly.assertThat(withoutCsrf.statusCode()).as("no CSRF token, refused by the console").isEqualTo(403);
        softly.assertThat(withoutCsrf.body()).contains("csrf-refused");
        softly.assertThat(memberEmails()).as("dave still a member").contains(email("dave"));
        step("forged", started, "console " + forged.get("status") + ", API " + direct.statusCode() + " "
                + http.body(direct).path("code").asText() + ", without CSRF token " + withoutCsrf.statusCode());
        softly.assertAll();
    }

    @Test
    @Order(15)
    void atPhoneWidthTheMembersPageFitsTheScreen() throws Exception {
        long started = System.nanoTime();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            browser.get(CONSOLE + "/organizations/" + organizationId + "/members");
            awaitLoaded();
            long pageWidth = ((Number) browser.executeScript("return document.documentElement.scrollWidth;")).longValue();
            long viewport = ((Number) browser.executeScript("return window.innerWidth;")).longValue();
            screenshot("members-phone");
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(pageWidth).as("no sideways scrolling of the page (the table scrolls in its own box)")
                    .isLessThanOrEqualTo(viewport);
            softly.assertThat(shownEmails()).as("the members listed").contains(email("mia"));
            step("phone", started, "page " + pageWidth + " px wide in a " + viewport + " px viewport");
            softly.assertAll();
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
    }

    @Test
    @Order(16)
    void thePlainMemberSeesTheTeamsReadOnlyAndNoInvitationsOrLinks() throws Exception {
        long started = System.nanoTime();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/teams");
        awaitLoaded();
        SoftAssertions softly = new SoftAssertions();
        Map<String, Long> teams = shownTeams();
        softly.assertThat(teams).as("mia sees the teams and their counts").isEqualTo(teamCounts());
        int teamControls = browser.findElements(By.cssSelector("#create-team-form, input[id^=rename-], a[id^=delete-]")).size();
        softly.assertThat(teamControls).as("no create, rename or delete control").isZero();
        softly.assertThat(browser.findElements(By.id("read-only"))).as("the teams page says why").hasSize(1);

        browser.get(CONSOLE + "/organizations/" + organizationId + "/invitations");
        awaitLoaded();
        int invitationTables = browser.findElements(By.cssSelector("#invitations-table, [id^=resend-], [id^=revoke-]")).size();
        softly.assertThat(invitationTables).as("no invitations table or action").isZero();
        softly.assertThat(browser.findElements(By.id("read-only"))).as("the invitations page says why").hasSize(1);

        browser.get(CONSOLE + "/organizations/" + organizationId + "/links");
        awaitLoaded();
        int linkControls = browser.findElements(By.cssSelector("#links-table, #create-link-form, [id^=toggle-], [id^=copy-]")).size();
        softly.assertThat(linkControls).as("no links table, form or action").isZero();
        softly.assertThat(browser.findElements(By.id("read-only"))).as("the links page says why").hasSize(1);

        // what the pages rest on: the API lets a member read the teams but not the invitations or the links
        String miaToken = http.login(IDENTITY, email("mia"), PASSWORD);
        int invitationsRead = http.get(QUERY + "/api/v1/organizations/" + organizationId + "/invitations", miaToken).statusCode();
        int linksRead = http.get(QUERY + "/api/v1/organizations/" + organizationId + "/invitation-links", miaToken).statusCode();
        softly.assertThat(invitationsRead).as("the API refuses mia the invitations").isEqualTo(403);
        softly.assertThat(linksRead).as("the API refuses mia the links").isEqualTo(403);
        step("read-only 2", started, "mia sees " + teams.size() + " teams; team controls " + teamControls + ", invitation tables "
                + invitationTables + ", link controls " + linkControls + "; API invitations " + invitationsRead + ", links " + linksRead);
        softly.assertAll();
    }

    // --- the third slice: bulk CSV, email and audit, as alice again, then as mia --------------------------------

    @Test
    @Order(17)
    void aBulkCsvIsCheckedFirstWithItsSkippedRowsAndReportThenInvitesAndBadFilesGetReadableMessages() throws Exception {
        long started = System.nanoTime();
        signInAs("alice");
        clickToLoad(By.id("nav-bulk"));
        awaitPath("/console/organizations/" + organizationId + "/bulk");
        Path uploads = Files.createDirectories(Path.of("target", "console-uploads").toAbsolutePath());
        byte[] picture = new byte[2 * 1024 * 1024];
        new java.util.Random(16).nextBytes(picture);
        Path png = Files.write(uploads.resolve("team-photo.png"), picture);
        Path empty = Files.write(uploads.resolve("empty.csv"), new byte[0]);
        List<String> newcomers = List.of(email("lea"), email("max"));
        Path csv = Files.writeString(uploads.resolve("newcomers.csv"), "email,group membership\n" + newcomers.get(0) + ",Platform\n"
                + "not-an-address,\n" + email("dave") + ",\n" + newcomers.get(1) + ",\"platform, Nowhere\"\n");

        SoftAssertions softly = new SoftAssertions();
        String tooLarge = upload(png);
        softly.assertThat(tooLarge).as("the 2 MB picture").contains("The file is too large").contains("at most 1 MiB");
        String emptyFile = upload(empty);
        softly.assertThat(emptyFile).as("the empty file").contains("The file empty.csv is empty");
        softly.assertThat(browser.getPageSource()).as("never a stack trace").doesNotContain("Exception").doesNotContain("at io.roster");

        browser.findElement(By.id("bulk-file")).sendKeys(csv.toString());
        clickToLoad(By.id("bulk-dry-run"));
        String summary = text(By.id("bulk-summary"));
        Map<String, String> skipped = skippedRows();
        softly.assertThat(text(By.id("report-title"))).isEqualTo("Dry run of newcomers.csv: nothing invited yet");
        softly.assertThat(skipped).as("the skipped rows by line").isEqualTo(Map.of("3", "invalid_email", "4", "already_member", "5", "unknown_team"));
        softly.assertThat(summary).startsWith("4 rows: 1 can be invited, 3 would be skipped");
        softly.assertThat(apiInvitationsOf(newcomers)).as("nothing invited by the dry run").isEmpty();
        String report = fetchInPage(browser.findElement(By.id("bulk-report-download")).getDomAttribute("href"));
        List<String> reportLines = report.lines().toList();
        softly.assertThat(reportLines).as("the downloaded report").hasSize(5)
                .startsWith("line,email,result,code,detail", "3,not-an-address,skipped,invalid_email,Not a valid email address.");
        screenshot("bulk-dry-run");

        // the file is fixed (Nowhere is no team) and checked again before the real run
        Files.writeString(csv, "email,group membership\n" + newcomers.get(0) + ",Platform\n" + email("dave") + ",\n"
                + newcomers.get(1) + ",\"platform\"\n");
        browser.findElement(By.id("bulk-file")).sendKeys(csv.toString());
        clickToLoad(By.id("bulk-dry-run"));
        softly.assertThat(text(By.id("bulk-run"))).isEqualTo("Invite 2 addresses");
        clickToLoad(By.id("bulk-run"));
        String notice = text(By.id("notice"));
        softly.assertThat(notice).isEqualTo("Invited 2 of 3 rows of newcomers.csv; 1 skipped (see the report).");
        softly.assertThat(browser.findElements(By.id("bulk-run"))).as("no second run of the same file").isEmpty();
        // the run's Consistency-Token covers its job, not its invitations (BulkInvitationController): they follow
        awaitQuietly("the two invitations in the query API", () -> apiInvitationsOf(newcomers).size() == 2);
        Map<String, String> invited = apiInvitationsOf(newcomers);
        softly.assertThat(invited).as("the API's invitations of the newcomers")
                .isEqualTo(Map.of(newcomers.get(0), "pending", newcomers.get(1), "pending"));
        step("bulk csv", started, "2 MB picture and empty file refused readably; dry run skipped " + skipped + ", '" + summary
                + "'; report " + reportLines.size() + " lines; run: '" + notice + "'; API " + invited);
        softly.assertAll();
    }

    @Test
    @Order(18)
    void theEmailPageShowsTheDeliveryLogSavesSmtpSettingsWithoutShowingThePasswordAndSendsATest() throws Exception {
        long started = System.nanoTime();
        // the bulk run's two emails reach the delivery log through Kafka: wait for them so the page and the API agree
        awaitQuietly("the newcomers' emails in the delivery log", () -> apiDeliveries().values().stream().filter(row ->
                row.path("recipient").asText().startsWith("lea-") || row.path("recipient").asText().startsWith("max-")).count() == 2);
        clickToLoad(By.id("nav-email"));
        awaitPath("/console/organizations/" + organizationId + "/email");
        SoftAssertions softly = new SoftAssertions();
        Map<String, String> shown = shownDeliveries();
        Map<String, JsonNode> api = apiDeliveries();
        softly.assertThat(shown.keySet()).as("the delivery log's emails, as the API lists them").isEqualTo(api.keySet());
        softly.assertThat(shown.values()).as("with a status each").doesNotContain("");
        softly.assertThat(text(By.id("smtp-current"))).contains("platform's server");

        String secret = "console-secret-" + run;
        type("smtp-host", "127.0.0.1");
        type("smtp-port", Integer.toString(PORTS.smtp()));
        choose("smtp-tls", "none");
        type("smtp-username", "mailer-" + run);
        type("smtp-password", secret);
        type("smtp-sender", "hr-" + run + "@example.com");
        clickToLoad(By.id("save-smtp"));
        String notice = text(By.id("notice"));
        softly.assertThat(notice).isEqualTo("Saved the SMTP settings: this organization's emails now go through 127.0.0.1:" + PORTS.smtp() + ".");
        softly.assertThat(text(By.id("password-state"))).isEqualTo("set");
        softly.assertThat(browser.getPageSource()).as("the password is never sent back to the page").doesNotContain(secret);
        softly.assertThat(browser.findElement(By.id("smtp-password")).getDomProperty("value")).as("the password field").isEmpty();
        HttpResponse<String> settings = http.get(NOTIFICATION + "/api/v1/organizations/" + organizationId + "/email-settings", aliceToken);
        softly.assertThat(settings.statusCode()).isEqualTo(200);
        softly.assertThat(settings.body()).as("the API's settings").doesNotContain(secret);
        softly.assertThat(http.body(settings).path("passwordSet").asBoolean()).as("passwordSet").isTrue();
        softly.assertThat(http.body(settings).path("username").asText()).isEqualTo("mailer-" + run);
        screenshot("email");

        type("test-to", email("tess"));
        clickToLoad(By.id("send-test"));
        WebElement result = browser.findElement(By.id("test-result"));
        String status = result.getDomAttribute("data-status");
        String notificationId = result.getDomAttribute("data-notification-id");
        softly.assertThat(status).as("the test send: " + result.getText()).isEqualTo("sent");
        softly.assertThat(apiDeliveries().get(notificationId)).as("the test email in the API's delivery log").isNotNull();
        if (apiDeliveries().get(notificationId) != null) {
            softly.assertThat(apiDeliveries().get(notificationId).path("status").asText()).isEqualTo(status);
        }
        softly.assertThat(Mailbox.notificationIds(PORTS, email("tess"))).as("the test email in its inbox").contains(notificationId);

        clickToLoad(By.id("use-platform-smtp"));
        int afterRemoval = http.get(NOTIFICATION + "/api/v1/organizations/" + organizationId + "/email-settings", aliceToken).statusCode();
        softly.assertThat(text(By.id("smtp-current"))).contains("platform's server");
        softly.assertThat(afterRemoval).as("the API has no settings of the organization any more").isEqualTo(404);
        step("email", started, shown.size() + " emails in the log (API " + api.size() + "); saved: '" + notice + "', API passwordSet "
                + http.body(settings).path("passwordSet").asBoolean() + "; test send " + status + "; settings removed (API "
                + afterRemoval + ")");
        softly.assertAll();
    }

    @Test
    @Order(19)
    void theAuditTimelineIsFilteredByTypeAndActorLikeTheApiExportedAndShowsTheMembersAsOfTheSeed() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-audit"));
        awaitPath("/console/organizations/" + organizationId + "/audit");
        choose("audit-type", "MemberRemoved");
        choose("audit-actor", userIds.get("alice"));
        clickToLoad(By.id("apply-audit-filter"));
        SoftAssertions softly = new SoftAssertions();
        List<String> shown = browser.findElements(By.cssSelector("#audit-table tr.audit-event")).stream()
                .map(row -> row.getDomAttribute("data-event-id")).toList();
        List<String> api = http.items(QUERY + "/api/v1/organizations/" + organizationId + "/events?limit=50&type=MemberRemoved&actor="
                + userIds.get("alice"), aliceToken).stream().map(row -> row.path("eventId").asText()).toList();
        softly.assertThat(shown).as("the filtered timeline, as the API's").isEqualTo(api).hasSize(2);
        softly.assertThat(texts(By.cssSelector("#audit-table tr.audit-event td:nth-child(3)"))).as("by alice")
                .containsOnly(email("alice"));
        String export = fetchInPage(browser.findElement(By.id("audit-export")).getDomAttribute("href"));
        List<String> exported = export.lines().skip(1).map(line -> line.split(",")[4]).toList();
        softly.assertThat(exported).as("the export's events").isEqualTo(api);
        screenshot("audit");

        type("as-of", seededAt.toString());
        clickToLoad(By.id("show-as-of"));
        Set<String> asOf = browser.findElements(By.cssSelector("#as-of-members .as-of-member")).stream()
                .map(row -> row.getDomAttribute("data-email")).collect(Collectors.toCollection(TreeSet::new));
        Set<String> apiAsOf = http.items(QUERY + "/api/v1/organizations/" + organizationId + "/members?limit=200&asOf=" + seededAt, aliceToken)
                .stream().map(row -> row.path("email").asText()).collect(Collectors.toCollection(TreeSet::new));
        softly.assertThat(asOf).as("the members at the end of the seed").isEqualTo(apiAsOf)
                .isEqualTo(Set.of(email("alice"), email("bob"), email("carol"), email("dave"), email("mia")));
        step("audit", started, "MemberRemoved by alice: " + shown.size() + " shown, API " + api.size() + ", exported " + exported.size()
                + "; members as of " + seededAt + ": " + asOf.size() + " (API " + apiAsOf.size() + ")");
        softly.assertAll();
    }

    @Test
    @Order(20)
    void thePlainMemberSeesNoUploadOrEmailSettingsAndHerForgedUploadAndSettingsAreRefusedByTheApi() throws Exception {
        long started = System.nanoTime();
        signInAs("mia");
        SoftAssertions softly = new SoftAssertions();
        int adminLinks = browser.findElements(By.cssSelector("#nav-bulk, #nav-email")).size();
        softly.assertThat(adminLinks).as("no bulk or email link").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/bulk");
        awaitLoaded();
        int uploadForms = browser.findElements(By.cssSelector("#bulk-upload-form, #bulk-run-form")).size();
        softly.assertThat(uploadForms).as("no upload form").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/email");
        awaitLoaded();
        int emailControls = browser.findElements(By.cssSelector("#smtp-form, #smtp-test-form, #delivery-table")).size();
        softly.assertThat(emailControls).as("no settings, test or log").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/audit");
        awaitLoaded();
        int timelines = browser.findElements(By.id("audit-table")).size();
        softly.assertThat(timelines).as("no timeline").isZero();
        softly.assertThat(browser.findElements(By.id("as-of-form"))).as("the members at a past time, which members may read").hasSize(1);

        // the page's own CSRF token and session: only the API's authorization stands in the way
        @SuppressWarnings("unchecked")
        Map<String, Object> upload = (Map<String, Object>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const form = new FormData();
                form.append('_csrf', document.querySelector('meta[name=csrf-token]').content);
                form.append('file', new Blob([arguments[1]], {type: 'text/csv'}), 'forged.csv');
                fetch(arguments[0], {method: 'POST', body: form})
                    .then(r => r.text().then(t => done({status: r.status, body: t})))
                    .catch(e => done({status: -1, body: String(e)}));""",
                "/console/organizations/" + organizationId + "/bulk/dry-run", "email,group membership\n" + email("zed") + ",\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.querySelector('meta[name=csrf-token]').content;
                fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                        body: '_csrf=' + encodeURIComponent(token) + '&host=smtp.mia.example&port=587&tlsMode=starttls&senderAddress=mia%40mia.example'})
                    .then(r => r.text().then(t => done({status: r.status, body: t})))
                    .catch(e => done({status: -1, body: String(e)}));""",
                "/console/organizations/" + organizationId + "/email/settings");
        softly.assertThat(((Number) upload.get("status")).intValue()).as("the forged upload").isEqualTo(403);
        softly.assertThat((String) upload.get("body")).contains("data-code=\"forbidden\"");
        softly.assertThat(((Number) settings.get("status")).intValue()).as("the forged settings").isEqualTo(403);
        softly.assertThat((String) settings.get("body")).contains("data-code=\"forbidden\"");
        int apiSettings = http.get(NOTIFICATION + "/api/v1/organizations/" + organizationId + "/email-settings", aliceToken).statusCode();
        softly.assertThat(apiSettings).as("still no settings of the organization").isEqualTo(404);
        softly.assertThat(apiInvitationsOf(List.of(email("zed")))).as("nobody invited").isEmpty();
        step("read-only 3", started, "admin links " + adminLinks + ", upload forms " + uploadForms + ", email controls " + emailControls
                + ", timelines " + timelines + "; forged upload " + upload.get("status") + ", forged settings " + settings.get("status")
                + " (API settings " + apiSettings + ")");
        softly.assertAll();
    }

    // --- the fourth slice: the edits (a member's roles, teams and end date; creating a user; editing and resending
    // invitations; editing a link), as alice again, then what mia sees and may do ---------------------------------

    @Test
    @Order(30)
    void aMembersRolesAndEndDateAreChangedInTheirRowAndTheLastAdminsAreRefusedInHers() throws Exception {
        long started = System.nanoTime();
        signInAs("alice");
        String dave = userIds.get("dave");
        String alice = userIds.get("alice");
        browser.findElement(By.id("open-edit-" + dave)).click();
        browser.findElement(By.id("edit-role-billing-manager-" + dave)).click();
        clickToLoad(By.id("save-" + dave));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).startsWith("Saved the roles (billing-manager, member)");
        softly.assertThat(row(email("dave")).getText()).as("dave's row at once").contains("billing-manager");
        List<String> daveRoles = texts(apiMember("dave").path("roles"));
        softly.assertThat(daveRoles).as("the API's roles of dave").containsExactlyInAnyOrder("billing-manager", "member");

        browser.findElement(By.id("open-edit-" + alice)).click();
        browser.findElement(By.id("edit-role-admin-" + alice)).click();
        WebElement member = browser.findElement(By.id("edit-role-member-" + alice));
        if (!member.isSelected()) {
            member.click();
        }
        clickToLoad(By.id("save-" + alice));
        String roleRefusal = browser.findElement(By.id("row-problem-" + alice)).getDomAttribute("data-code");
        softly.assertThat(roleRefusal).as("alice, the last admin, made a plain member").isEqualTo("last_admin");
        softly.assertThat(row(email("alice")).findElement(By.id("row-problem-" + alice)).isDisplayed()).as("shown in her row").isTrue();
        softly.assertThat(texts(apiMember("alice").path("roles"))).as("the API's roles of alice").contains("admin");
        // the refusal in her row, not the forms above the table, is what the screenshot is for
        browser.executeScript("document.getElementById(arguments[0]).scrollIntoView({block: 'center'});", "row-problem-" + alice);
        screenshot("members-edit");

        // the end date: the last day on the viewer's calendar, typed into the date field of dave's row
        String lastDay = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(30).toString();
        String expected = (String) browser.executeScript("const [y, m, d] = arguments[0].split('-').map(Number);"
                + " return new Date(y, m - 1, d + 1).toISOString();", lastDay);
        browser.findElement(By.id("open-edit-" + dave)).click();
        browser.executeScript("arguments[0].value = arguments[1];", browser.findElement(By.id("expires-" + dave)), lastDay);
        clickToLoad(By.id("set-expiry-" + dave));
        softly.assertThat(text(By.id("notice"))).isEqualTo("The membership of " + email("dave") + " ends after " + lastDay + ".");
        String shownEnd = row(email("dave")).findElement(By.cssSelector("td.expires time")).getDomAttribute("datetime");
        String apiEnd = apiMember("dave").path("expiresAt").asText(null);
        softly.assertThat(apiEnd).as("the API's expiresAt of dave").isNotNull();
        if (apiEnd != null) {
            softly.assertThat(java.time.Instant.parse(apiEnd)).as("the end of " + lastDay + " on the viewer's clock")
                    .isEqualTo(java.time.Instant.parse(expected));
            softly.assertThat(java.time.Instant.parse(shownEnd)).as("the table's end date").isEqualTo(java.time.Instant.parse(apiEnd));
        }

        browser.findElement(By.id("open-edit-" + alice)).click();
        browser.executeScript("arguments[0].value = arguments[1];", browser.findElement(By.id("expires-" + alice)), lastDay);
        clickToLoad(By.id("set-expiry-" + alice));
        String endRefusal = browser.findElement(By.id("row-problem-" + alice)).getDomAttribute("data-code");
        softly.assertThat(endRefusal).as("an end date for the last admin").isEqualTo("last_admin");
        softly.assertThat(apiMember("alice").path("expiresAt").isMissingNode() || apiMember("alice").path("expiresAt").isNull())
                .as("alice's membership keeps no end date").isTrue();

        browser.findElement(By.id("open-edit-" + dave)).click();
        clickToLoad(By.id("clear-expiry-" + dave));
        softly.assertThat(text(By.id("notice"))).isEqualTo("The membership of " + email("dave") + " has no end date now.");
        JsonNode clearedEnd = apiMember("dave").path("expiresAt");
        softly.assertThat(clearedEnd.isMissingNode() || clearedEnd.isNull()).as("the API's expiresAt of dave after clearing: " + clearedEnd)
                .isTrue();
        softly.assertThat(row(email("dave")).findElements(By.cssSelector("td.expires time"))).as("the table: no end date").isEmpty();
        step("row edits", started, "dave's roles " + daveRoles + "; alice's demotion refused " + roleRefusal + ", her end date refused "
                + endRefusal + "; dave ends after " + lastDay + " (API " + apiEnd + "), then no end date (API " + clearedEnd + ")");
        softly.assertAll();
    }

    @Test
    @Order(31)
    void aUserCreatedFromTheMembersPageIsAMemberAtOnce() throws Exception {
        long started = System.nanoTime();
        browser.findElement(By.cssSelector("#create-user summary")).click();
        SoftAssertions softly = new SoftAssertions();
        int providerRoleBoxes = browser.findElements(By.id("create-provider-roles")).size();
        softly.assertThat(providerRoleBoxes).as("no provider role offered to an organization admin").isZero();
        type("create-first-name", "Zed");
        type("create-last-name", "Tester");
        type("create-email", email("zed"));
        clickToLoad(By.id("create-user-submit"));
        softly.assertThat(text(By.id("notice"))).startsWith("Created the account of " + email("zed") + " (1 organization)");
        softly.assertThat(shownEmails()).as("the table at once").contains(email("zed"));
        Set<String> apiMembers = memberEmails();
        softly.assertThat(apiMembers).as("the API's members").contains(email("zed"));
        softly.assertThat(texts(apiMember("zed").path("roles"))).as("zed's roles").containsExactly("member");
        step("create user", started, "zed created; the API lists " + apiMembers.size() + " members; provider role boxes " + providerRoleBoxes);
        softly.assertAll();
    }

    @Test
    @Order(32)
    void aPendingInvitationIsEditedAndTwoSelectedAreResentWithAReportInPlace() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-invitations"));
        awaitPath("/console/organizations/" + organizationId + "/invitations");
        String kim = invitationRow(email("kim")).getDomAttribute("data-invitation-id");
        String ivy = invitationRow(email("ivy")).getDomAttribute("data-invitation-id");
        long ivyBefore = apiInvitation(email("ivy")).path("resendCount").asLong();
        long kimBefore = apiInvitation(email("kim")).path("resendCount").asLong();
        browser.findElement(By.id("edit-invitation-" + kim)).click();
        browser.findElement(By.id("invitation-role-billing-manager-" + kim)).click();
        clickToLoad(By.id("save-invitation-" + kim));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).startsWith("Saved the invitation of " + email("kim"));
        List<String> kimRoles = texts(apiInvitation(email("kim")).path("roles"));
        softly.assertThat(kimRoles).as("the API's roles of kim's invitation").containsExactlyInAnyOrder("billing-manager", "member");
        softly.assertThat(invitationRow(email("kim")).getText()).as("kim's row at once").contains("billing-manager");

        browser.findElement(By.id("select-" + ivy)).click();
        browser.findElement(By.id("select-" + kim)).click();
        clickToLoad(By.id("resend-selected"));
        String title = text(By.id("resend-report-title"));
        softly.assertThat(title).isEqualTo("Resent 2 of 2 selected");
        @SuppressWarnings("unchecked")
        List<String> outcomes = (List<String>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#resend-report tr.resend-outcome')).map(row => row.dataset.outcome);");
        softly.assertThat(outcomes).as("the report's lines").containsExactly("resent", "resent");
        long ivyAfter = apiInvitation(email("ivy")).path("resendCount").asLong();
        long kimAfter = apiInvitation(email("kim")).path("resendCount").asLong();
        softly.assertThat(ivyAfter).as("the API's resendCount of ivy").isEqualTo(ivyBefore + 1);
        softly.assertThat(kimAfter).as("the API's resendCount of kim").isEqualTo(kimBefore + 1);
        softly.assertThat(invitationRow(email("ivy")).findElement(By.cssSelector(".resend-count")).getText())
                .as("the table at once").isEqualTo(ivyAfter + (ivyAfter == 1 ? " time" : " times"));
        screenshot("invitations-resend");

        clickToLoad(By.id("resend-expired"));
        String expiredTitle = text(By.id("resend-report-title"));
        softly.assertThat(expiredTitle).as("resend all expired").endsWith("(every expired invitation)");
        step("invitations 2", started, "kim's roles " + kimRoles + "; '" + title + "' (resendCount ivy " + ivyBefore + " → " + ivyAfter
                + ", kim " + kimBefore + " → " + kimAfter + "); '" + expiredTitle + "'");
        softly.assertAll();
    }

    @Test
    @Order(33)
    void aLinkIsEditedBackToNeverExpiresAndUnlimited() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-links"));
        awaitPath("/console/organizations/" + organizationId + "/links");
        String partners = linkRow("Partners").getDomAttribute("data-link-id");
        JsonNode before = apiLink("Partners");
        browser.findElement(By.id("edit-link-" + partners)).click();
        type("link-name-" + partners, "Partners 2027");
        browser.findElement(By.id("link-never-" + partners)).click();
        browser.findElement(By.id("link-quota-" + partners)).clear();
        clickToLoad(By.id("save-link-" + partners));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).isEqualTo("Saved the link Partners 2027: unlimited uses, never expires.");
        WebElement edited = linkRow("Partners 2027");
        softly.assertThat(edited.findElement(By.cssSelector(".usage")).getText()).isEqualTo("0 / unlimited");
        softly.assertThat(edited.findElements(By.cssSelector("time[datetime]"))).as("no expiry shown").isEmpty();
        JsonNode after = apiLink("Partners 2027");
        softly.assertThat(after.path("quota").isNull() || after.path("quota").isMissingNode()).as("the API's quota: " + after.path("quota"))
                .isTrue();
        softly.assertThat(after.path("expiresAt").isNull() || after.path("expiresAt").isMissingNode())
                .as("the API's expiresAt: " + after.path("expiresAt")).isTrue();
        softly.assertThat(texts(after.path("emails"))).as("the audience kept").containsExactly("*@partner.example");
        step("link edit", started, "Partners (quota " + before.path("quota") + ", expires " + before.path("expiresAt").asText() + ") → "
                + "Partners 2027 (quota " + after.path("quota") + ", expires " + after.path("expiresAt") + ")");
        softly.assertAll();
    }

    @Test
    @Order(34)
    void thePlainMemberSeesNoEditAndHerForgedEditsAreRefusedByTheApi() throws Exception {
        long started = System.nanoTime();
        signInAs("mia");
        SoftAssertions softly = new SoftAssertions();
        int memberControls = browser.findElements(By.cssSelector("[id^=open-edit-], #create-user-form, [id^=expiry-form-]")).size();
        softly.assertThat(memberControls).as("no row edit, no create form").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/invitations");
        awaitLoaded();
        int invitationControls = browser.findElements(By.cssSelector("#bulk-resend-form, [id^=edit-invitation-]")).size();
        softly.assertThat(invitationControls).as("no resend or edit").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/links");
        awaitLoaded();
        int linkControls = browser.findElements(By.cssSelector("[id^=edit-link-]")).size();
        softly.assertThat(linkControls).as("no link edit").isZero();

        String dave = userIds.get("dave");
        Map<String, Object> roles = forgedPost("/console/organizations/" + organizationId + "/members/" + dave + "/edit", "roles=admin");
        Map<String, Object> created = forgedPost("/console/organizations/" + organizationId + "/members/create-user",
                "firstName=Yan&lastName=Tester&email=" + java.net.URLEncoder.encode(email("yan"), java.nio.charset.StandardCharsets.UTF_8)
                        + "&organizationIds=" + organizationId + "&roles=admin");
        softly.assertThat(((Number) roles.get("status")).intValue()).as("the forged role change").isEqualTo(403);
        softly.assertThat((String) roles.get("body")).contains("data-code=\"forbidden\"");
        softly.assertThat(((Number) created.get("status")).intValue()).as("the forged user creation").isEqualTo(403);
        softly.assertThat((String) created.get("body")).contains("data-code=\"forbidden\"");
        List<String> daveRoles = texts(apiMember("dave").path("roles"));
        softly.assertThat(daveRoles).as("dave's roles unchanged").doesNotContain("admin");
        softly.assertThat(memberEmails()).as("no yan").doesNotContain(email("yan"));
        step("read-only 4", started, "member controls " + memberControls + ", invitation controls " + invitationControls
                + ", link controls " + linkControls + "; forged role change " + roles.get("status") + ", forged user "
                + created.get("status") + "; dave's roles " + daveRoles);
        softly.assertAll();
    }

    // --- issue 16's follow-ups (orders 40-49): teams in the create-user form; a link's roles, teams and membership term;
    // an invitation's membership term; as alice, then what mia sees and may do ------------------------------------

    @Test
    @Order(40)
    void aUserCreatedWithATeamOfTheOpenOrganizationIsInItAtOnce() throws Exception {
        long started = System.nanoTime();
        signInAs("alice");
        browser.findElement(By.cssSelector("#create-user summary")).click();
        WebElement platform = browser.findElement(By.xpath("//fieldset[@id='create-teams']//label[span='Platform']/input"));
        String platformId = platform.getDomAttribute("value");
        type("create-first-name", "Tess");
        type("create-last-name", "Tester");
        type("create-email", email("tess"));
        platform.click();
        clickToLoad(By.id("create-user-submit"));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).startsWith("Created the account of " + email("tess") + " (1 organization)");
        softly.assertThat(row(email("tess")).getText()).as("tess's row at once").contains("Platform");
        JsonNode tess = apiMember("tess");
        List<String> apiTeams = new ArrayList<>();
        tess.path("teams").forEach(team -> apiTeams.add(team.path("teamId").asText() + " " + team.path("name").asText()));
        softly.assertThat(apiTeams).as("the API's teams of tess").containsExactly(platformId + " Platform");
        softly.assertThat(texts(tess.path("roles"))).as("tess's roles").containsExactly("member");
        step("user+team", started, "tess created into team Platform; the API's teams of tess " + apiTeams);
        softly.assertAll();
    }

    @Test
    @Order(41)
    void aLinksRolesTeamsAndMembershipTermAreChangedInItsRowAndTheTermCleared() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-links"));
        awaitPath("/console/organizations/" + organizationId + "/links");
        String openDay = linkRow("Open day").getDomAttribute("data-link-id");
        browser.findElement(By.id("edit-link-" + openDay)).click();
        browser.findElement(By.id("link-role-billing-manager-" + openDay)).click();
        WebElement platform = browser.findElement(By.xpath("//form[@id='link-form-" + openDay + "']//label[span='Platform']/input"));
        String platformId = platform.getDomAttribute("value");
        platform.click();
        type("membership-days-" + openDay, "30");
        clickToLoad(By.id("save-link-" + openDay));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).as("the notice")
                .isEqualTo("Saved the link Open day: unlimited uses, never expires, membership lasts 30 days from joining.");
        softly.assertThat(text(By.cssSelector("tr.link-row[data-link-id='" + openDay + "'] .membership-term"))).as("the row at once")
                .isEqualTo("30 days from joining");
        JsonNode days = apiLink("Open day");
        softly.assertThat(texts(days.path("roles"))).as("the API's roles of the link").containsExactlyInAnyOrder("member", "billing-manager");
        softly.assertThat(texts(days.path("teamIds"))).as("the API's teams of the link").containsExactly(platformId);
        softly.assertThat(days.path("membershipDays").asInt()).as("the API's membershipDays").isEqualTo(30);

        // a last day instead: the end of that day on the viewer's calendar replaces the days
        String lastDay = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(60).toString();
        String expected = (String) browser.executeScript("const [y, m, d] = arguments[0].split('-').map(Number);"
                + " return new Date(y, m - 1, d + 1).toISOString();", lastDay);
        browser.findElement(By.id("edit-link-" + openDay)).click();
        browser.executeScript("arguments[0].value = arguments[1];", browser.findElement(By.id("membership-ends-" + openDay)), lastDay);
        clickToLoad(By.id("save-link-" + openDay));
        JsonNode dated = apiLink("Open day");
        String apiEnd = dated.path("membershipExpiresAt").asText(null);
        softly.assertThat(apiEnd).as("the API's membershipExpiresAt").isNotNull();
        if (apiEnd != null) {
            softly.assertThat(java.time.Instant.parse(apiEnd)).as("the end of " + lastDay + " on the viewer's clock")
                    .isEqualTo(java.time.Instant.parse(expected));
        }
        softly.assertThat(dated.path("membershipDays").isNull() || dated.path("membershipDays").isMissingNode())
                .as("the days replaced: " + dated.path("membershipDays")).isTrue();
        String datedCell = text(By.cssSelector("tr.link-row[data-link-id='" + openDay + "'] .membership-term"));
        softly.assertThat(datedCell).as("the row at once").startsWith("through ");
        // the row's edit form with the term it now holds is what the screenshot is for; it stays open for the clearing
        browser.findElement(By.id("edit-link-" + openDay)).click();
        browser.executeScript("document.getElementById(arguments[0]).scrollIntoView({block: 'center'});", "link-form-" + openDay);
        screenshot("links-membership");

        browser.findElement(By.id("membership-none-" + openDay)).click();
        clickToLoad(By.id("save-link-" + openDay));
        softly.assertThat(text(By.id("notice"))).as("the notice").endsWith("membership without end.");
        JsonNode cleared = apiLink("Open day");
        softly.assertThat((cleared.path("membershipDays").isNull() || cleared.path("membershipDays").isMissingNode())
                && (cleared.path("membershipExpiresAt").isNull() || cleared.path("membershipExpiresAt").isMissingNode()))
                .as("the API's term after clearing: days " + cleared.path("membershipDays") + ", end " + cleared.path("membershipExpiresAt"))
                .isTrue();
        softly.assertThat(texts(cleared.path("roles"))).as("the roles kept").containsExactlyInAnyOrder("member", "billing-manager");
        softly.assertThat(text(By.cssSelector("tr.link-row[data-link-id='" + openDay + "'] .membership-term"))).as("the row at once")
                .isEqualTo("no end");
        step("link term", started, "Open day: roles " + texts(days.path("roles")) + ", teams " + texts(days.path("teamIds"))
                + ", membershipDays " + days.path("membershipDays") + "; then ends after " + lastDay + " (API " + apiEnd + ", row '"
                + datedCell + "'); then cleared (API days " + cleared.path("membershipDays") + ", end " + cleared.path("membershipExpiresAt") + ")");
        softly.assertAll();
    }

    @Test
    @Order(42)
    void aPendingInvitationsMembershipEndIsSetInItsRowAndCleared() throws Exception {
        long started = System.nanoTime();
        clickToLoad(By.id("nav-invitations"));
        awaitPath("/console/organizations/" + organizationId + "/invitations");
        String kim = invitationRow(email("kim")).getDomAttribute("data-invitation-id");
        String lastDay = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(90).toString();
        String expected = (String) browser.executeScript("const [y, m, d] = arguments[0].split('-').map(Number);"
                + " return new Date(y, m - 1, d + 1).toISOString();", lastDay);
        browser.findElement(By.id("edit-invitation-" + kim)).click();
        browser.executeScript("arguments[0].value = arguments[1];", browser.findElement(By.id("membership-ends-" + kim)), lastDay);
        clickToLoad(By.id("save-invitation-" + kim));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("notice"))).as("the notice").startsWith("Saved the invitation of " + email("kim")).contains("membership ends");
        JsonNode dated = apiInvitation(email("kim"));
        String apiEnd = dated.path("membershipExpiresAt").asText(null);
        softly.assertThat(apiEnd).as("the API's membershipExpiresAt of kim's invitation").isNotNull();
        if (apiEnd != null) {
            softly.assertThat(java.time.Instant.parse(apiEnd)).as("the end of " + lastDay + " on the viewer's clock")
                    .isEqualTo(java.time.Instant.parse(expected));
        }
        String datedCell = invitationRow(email("kim")).findElement(By.cssSelector(".membership-term")).getText();
        softly.assertThat(datedCell).as("kim's row at once").startsWith("through ");

        browser.findElement(By.id("edit-invitation-" + kim)).click();
        browser.findElement(By.id("membership-none-" + kim)).click();
        clickToLoad(By.id("save-invitation-" + kim));
        JsonNode cleared = apiInvitation(email("kim"));
        softly.assertThat(cleared.path("membershipExpiresAt").isNull() || cleared.path("membershipExpiresAt").isMissingNode())
                .as("the API's membershipExpiresAt after clearing: " + cleared.path("membershipExpiresAt")).isTrue();
        softly.assertThat(invitationRow(email("kim")).findElement(By.cssSelector(".membership-term")).getText()).as("kim's row at once")
                .isEqualTo("no end");
        softly.assertThat(cleared.path("status").asText()).as("still pending").isEqualTo("pending");
        step("inv. term", started, "kim's invitation: membership ends after " + lastDay + " (API " + apiEnd + ", row '" + datedCell
                + "'), then cleared (API " + cleared.path("membershipExpiresAt") + ")");
        softly.assertAll();
    }

    @Test
    @Order(43)
    void thePlainMemberGetsNoTeamOrTermControlAndHerForgedTermEditIsRefusedByTheApi() throws Exception {
        long started = System.nanoTime();
        signInAs("mia");
        SoftAssertions softly = new SoftAssertions();
        int teamBoxes = browser.findElements(By.cssSelector("#create-teams, [id^=create-team-]")).size();
        softly.assertThat(teamBoxes).as("no team to create a user in").isZero();
        browser.get(CONSOLE + "/organizations/" + organizationId + "/links");
        awaitLoaded();
        int termFields = browser.findElements(By.cssSelector("[id^=membership-days-], [id^=membership-ends-], [id^=link-role-]")).size();
        softly.assertThat(termFields).as("no role or membership term field").isZero();
        String openDay = apiLink("Open day").path("linkId").asText();
        Map<String, Object> forged = forgedPost("/console/organizations/" + organizationId + "/links/" + openDay + "/edit",
                "name=Mine&roles=admin&membershipDays=5");
        softly.assertThat(((Number) forged.get("status")).intValue()).as("the forged link edit").isEqualTo(403);
        softly.assertThat((String) forged.get("body")).contains("data-code=\"forbidden\"");
        JsonNode link = apiLink("Open day");
        softly.assertThat(link.path("membershipDays").isNull() || link.path("membershipDays").isMissingNode())
                .as("the link's term unchanged: " + link.path("membershipDays")).isTrue();
        softly.assertThat(texts(link.path("roles"))).as("the link's roles unchanged").doesNotContain("admin");
        step("read-only 5", started, "team boxes " + teamBoxes + ", term fields " + termFields + "; forged link edit "
                + forged.get("status") + "; the link's roles " + texts(link.path("roles")));
        softly.assertAll();
    }

    /** A form post from the page, with its own CSRF token and session: only the API's authorization stands in the way. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> forgedPost(String action, String fields) {
        return (Map<String, Object>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.querySelector('meta[name=csrf-token]').content;
                fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                        body: '_csrf=' + encodeURIComponent(token) + '&' + arguments[1]})
                    .then(r => r.text().then(t => done({status: r.status, body: t})))
                    .catch(e => done({status: -1, body: String(e)}));""", action, fields);
    }

    /** The API's member row of one of the seeded (or created) people, as alice reads it. */
    private JsonNode apiMember(String name) throws Exception {
        return http.items(QUERY + "/api/v1/organizations/" + organizationId + "/members?limit=200&q="
                        + java.net.URLEncoder.encode(email(name), java.nio.charset.StandardCharsets.UTF_8), aliceToken).stream()
                .filter(row -> email(name).equals(row.path("email").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + email(name) + " in the API"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    /** The API's link of that name, as alice reads it. */
    private JsonNode apiLink(String name) throws Exception {
        return http.items(QUERY + "/api/v1/organizations/" + organizationId + "/invitation-links?limit=200", aliceToken).stream()
                .filter(row -> name.equals(row.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no link " + name + " in the API"));
    }

    /** Signs out whoever is signed in and signs in as {@code name}, landing on Console Co's members. */
    /**
     * The provider admin, a member of neither of alice's organizations, finds Side Co among all organizations (paging
     * with "More organizations" when the shared stack holds more than a page), opens it with every admin action, and
     * adds erin to it: the API then lists erin in Side Co.
     */
    @Test
    @Order(85)
    void theProviderAdminFindsAnOrganizationTheyAreNoMemberOfAmongAllAndAdministersIt() throws Exception {
        long started = System.nanoTime();
        signIn(config.adminEmail(), config.adminPassword());
        browser.get(CONSOLE + "/");
        awaitLoaded();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text(By.id("main"))).contains("As a provider admin you can open any organization.");
        By sideCo = By.cssSelector("#organizations a[data-organization-id='" + sideOrganizationId + "']");
        int pages = 1;
        while (browser.findElements(sideCo).isEmpty() && !browser.findElements(By.id("more-organizations")).isEmpty()) {
            clickToLoad(By.id("more-organizations"));
            pages++;
        }
        int listed = browser.findElements(By.cssSelector("#organizations a")).size();
        clickToLoad(sideCo);
        awaitPath("/console/organizations/" + sideOrganizationId + "/members");
        softly.assertThat(browser.findElement(By.id("organization-switcher")).getDomProperty("value")).as("Side Co chosen in the switcher")
                .isEqualTo(sideOrganizationId);
        softly.assertThat(text(By.tagName("h1"))).contains("Side Co " + run);
        softly.assertThat(shownEmails()).as("Side Co's members").isEqualTo(Set.of(email("alice")));
        softly.assertThat(browser.findElements(By.id("add-form"))).as("the add form for a provider admin").hasSize(1);
        type("add-email", email("erin"));
        clickToLoad(By.id("add-member"));
        softly.assertThat(text(By.id("notice"))).isEqualTo("Added " + email("erin") + ".");
        Set<String> apiMembers = new TreeSet<>();
        for (JsonNode row : http.items(QUERY + "/api/v1/organizations/" + sideOrganizationId + "/members?limit=200", aliceToken)) {
            apiMembers.add(row.path("email").asText());
        }
        softly.assertThat(apiMembers).as("Side Co's members in the API, as alice reads them").isEqualTo(Set.of(email("alice"), email("erin")));
        step("provider", started, "Side Co found on page " + pages + " (" + listed + " organizations on it); erin added, the API lists "
                + apiMembers.size() + " members");
        softly.assertAll();
    }

    /**
     * Every page, as an admin sees it, against Deque's axe-core rules for WCAG 2.1 A and AA (labels, names, contrast,
     * landmarks, ARIA): no serious or critical violation. The keyboard's focus is visible wherever Tab takes it, and at
     * a phone's width no page scrolls sideways (tables scroll in their own box). The sign-in page too, signed out.
     */
    @Test
    @Order(90)
    void everyPageMeetsTheAccessibilityRulesShowsTheKeyboardFocusAndFitsAPhone() throws Exception {
        long started = System.nanoTime();
        signInAs("alice");
        Map<String, List<String>> violations = new java.util.TreeMap<>();
        Map<String, String> unfocusable = new java.util.TreeMap<>();
        Map<String, String> tooWide = new java.util.TreeMap<>();
        int rulesPassed = 0;
        List<String> pages = List.of("members", "invite", "teams", "invitations", "links", "bulk", "email", "audit", "sign-in");
        for (String page : pages) {
            if (page.equals("sign-in")) {
                clickToLoad(By.id("sign-out"));
                awaitPath("/console/sign-in");
            } else {
                browser.get(CONSOLE + "/organizations/" + organizationId + "/" + page);
                awaitLoaded();
            }
            Results results = new AxeBuilder()
                    .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze(browser);
            rulesPassed += results.getPasses().size();
            for (Rule rule : results.getViolations()) {
                String line = rule.getImpact() + " " + rule.getId() + " (" + rule.getNodes().size() + "× e.g. "
                        + rule.getNodes().get(0).getTarget() + "): " + rule.getHelp();
                log.info("accessibility of {}: {}", page, line);
                if ("serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())) {
                    violations.computeIfAbsent(page, p -> new ArrayList<>()).add(line);
                }
            }
            String focus = focusIndicatorsAfterTabs(5);
            if (!focus.isEmpty()) {
                unfocusable.put(page, focus);
            }
            // as a phone loads it: at its width from the start
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            try {
                browser.navigate().refresh();
                awaitLoaded();
                String overflow = String.valueOf(browser.executeScript(SIDEWAYS_OVERFLOW));
                if (!overflow.isEmpty()) {
                    tooWide.put(page, overflow);
                }
            } finally {
                browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
            }
        }
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(violations).as("serious or critical axe-core violations, by page").isEmpty();
        softly.assertThat(unfocusable).as("elements Tab reaches without a visible focus indicator, by page").isEmpty();
        softly.assertThat(tooWide).as("pages wider than a 390 px phone: by how much, and what sticks out").isEmpty();
        step("a11y", started, pages.size() + " pages, " + rulesPassed + " rule checks passed, serious/critical violations "
                + violations + ", invisible focus " + unfocusable + ", too wide at 390 px " + tooWide);
        softly.assertAll();
    }

    /**
     * Presses Tab {@code presses} times from the top of the page; for each element reached, whether it is drawn with a
     * focus indicator (an outline or a box shadow while focused). Answers the elements without one, empty when all
     * show it.
     */
    private String focusIndicatorsAfterTabs(int presses) {
        browser.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        List<String> invisible = new ArrayList<>();
        for (int i = 0; i < presses; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            Object shown = browser.executeScript("""
                    const e = document.activeElement;
                    if (!e || e === document.body) { return 'none'; }
                    const focused = getComputedStyle(e);
                    const indicator = (focused.outlineStyle !== 'none' && parseFloat(focused.outlineWidth) > 0)
                        || focused.boxShadow !== 'none';
                    return indicator ? '' : (e.id ? '#' + e.id : e.tagName.toLowerCase() + ' ' + (e.textContent || '').trim().slice(0, 30));
                    """);
            if (!"".equals(shown) && !"none".equals(shown)) {
                invisible.add(String.valueOf(shown));
            }
        }
        return String.join(", ", invisible);
    }

    private void signInAs(String name) {
        signIn(email(name), PASSWORD);
    }

    /** Signs out whoever is signed in, signs in with these credentials and opens Console Co's members. */
    private void signIn(String address, String password) {
        browser.get(CONSOLE + "/organizations/" + organizationId + "/members");
        awaitLoaded();
        if (!browser.findElements(By.id("sign-out")).isEmpty()) {
            clickToLoad(By.id("sign-out"));
        }
        awaitPath("/console/sign-in");
        type("email", address);
        type("password", password);
        clickToLoad(By.id("sign-in"));
        if (!URI.create(browser.getCurrentUrl()).getPath().endsWith("/members")) {
            browser.get(CONSOLE + "/organizations/" + organizationId + "/members");
            awaitLoaded();
        }
    }

    /** Chooses a file and checks it; answers the message beside the upload field. */
    private String upload(Path file) {
        browser.findElement(By.id("bulk-file")).sendKeys(file.toString());
        clickToLoad(By.id("bulk-dry-run"));
        return text(By.id("upload-problem"));
    }

    /** The skipped rows of the bulk report: line → code. */
    private Map<String, String> skippedRows() {
        return browser.findElements(By.cssSelector("#bulk-skipped tr.skipped-row")).stream().collect(Collectors.toMap(
                row -> row.getDomAttribute("data-line"), row -> row.getDomAttribute("data-code"), (a, b) -> a, java.util.TreeMap::new));
    }

    /** The API's invitations of these addresses (address → status), as alice reads them. */
    private Map<String, String> apiInvitationsOf(List<String> emails) throws Exception {
        Map<String, String> found = new java.util.TreeMap<>();
        for (String address : emails) {
            for (JsonNode row : http.items(QUERY + "/api/v1/organizations/" + organizationId + "/invitations?limit=200&status=pending&email="
                    + java.net.URLEncoder.encode(address, java.nio.charset.StandardCharsets.UTF_8), aliceToken)) {
                found.put(row.path("email").asText(), row.path("status").asText());
            }
        }
        return found;
    }

    /** A download the page links to, fetched by the page itself (its session cookie), as text. */
    private String fetchInPage(String href) {
        return (String) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0]).then(r => r.text()).then(done).catch(e => done('fetch failed: ' + e));""", href);
    }

    /** The delivery log's rows on the page: notification id → status. */
    @SuppressWarnings("unchecked")
    private Map<String, String> shownDeliveries() {
        List<List<Object>> rows = (List<List<Object>>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#delivery-table tr.delivery')).map(row => [row.dataset.notificationId, row.dataset.status]);");
        return rows.stream().collect(Collectors.toMap(row -> String.valueOf(row.get(0)), row -> String.valueOf(row.get(1)),
                (a, b) -> a, java.util.TreeMap::new));
    }

    /** The API's delivery log of the organization (its newest 50, as the page shows), by notification id. */
    private Map<String, JsonNode> apiDeliveries() throws Exception {
        Map<String, JsonNode> rows = new java.util.TreeMap<>();
        for (JsonNode row : http.items(NOTIFICATION + "/api/v1/organizations/" + organizationId + "/notifications?limit=50", aliceToken)) {
            rows.put(row.path("notificationId").asText(), row);
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------------------

    private String email(String name) {
        return name + "-" + run + "@example.com";
    }

    private static String capitalized(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The active and pending members' addresses in the API, as alice reads them. */
    private Set<String> memberEmails() throws Exception {
        Set<String> emails = new TreeSet<>();
        for (JsonNode row : http.items(QUERY + "/api/v1/organizations/" + organizationId + "/members?limit=200", aliceToken)) {
            emails.add(row.path("email").asText());
        }
        return emails;
    }

    /** The teams table's names and member counts, read in one script run. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> shownTeams() {
        List<List<Object>> rows = (List<List<Object>>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#teams-table tr.team')).map(row => [row.dataset.name, row.querySelector('.member-count').textContent.trim()]);");
        return rows.stream().collect(Collectors.toMap(row -> String.valueOf(row.get(0)), row -> Long.parseLong(String.valueOf(row.get(1))),
                (a, b) -> a, java.util.TreeMap::new));
    }

    /** The API's teams and member counts, as alice reads them. */
    private Map<String, Long> teamCounts() throws Exception {
        Map<String, Long> teams = new java.util.TreeMap<>();
        for (JsonNode row : http.items(QUERY + "/api/v1/organizations/" + organizationId + "/teams?limit=200", aliceToken)) {
            teams.put(row.path("name").asText(), row.path("memberCount").asLong());
        }
        return teams;
    }

    private Set<String> shownInvitations() {
        List<?> emails = (List<?>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#invitations-table tr.invitation')).map(row => row.dataset.email);");
        return emails.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    private WebElement invitationRow(String email) {
        return browser.findElement(By.cssSelector("#invitations-table tr.invitation[data-email='" + email + "']"));
    }

    /** The API's newest invitation of an address, as alice reads it. */
    private JsonNode apiInvitation(String email) throws Exception {
        return http.items(QUERY + "/api/v1/organizations/" + organizationId + "/invitations?limit=200&email="
                + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8), aliceToken).stream()
                .max(java.util.Comparator.comparing(row -> row.path("createdAt").asText()))
                .orElseThrow(() -> new AssertionError("no invitation of " + email + " in the API"));
    }

    private WebElement linkRow(String name) {
        return browser.findElement(By.cssSelector("#links-table tr.link-row[data-name='" + name + "']"));
    }

    /** The API's links by name and status, as alice reads them. */
    private Map<String, String> linkStatuses() throws Exception {
        Map<String, String> links = new java.util.TreeMap<>();
        for (JsonNode row : http.items(QUERY + "/api/v1/organizations/" + organizationId + "/invitation-links?limit=200", aliceToken)) {
            links.put(row.path("name").asText(), row.path("status").asText());
        }
        return links;
    }

    /** Waits for a condition but never fails on it: the assertion after it reports what was seen instead. */
    private void awaitQuietly(String what, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.warn("{}: not within {}", what, PATIENCE);
        }
    }

    /** The public preview of an invitation or link token, as an invitee's browser reads it (no login). */
    private JsonNode preview(String token) throws Exception {
        HttpResponse<String> answer = http.get(INVITATION + "/api/v1/invitations/" + token, null);
        return http.body(answer);
    }

    /** The table's addresses, read in one script run: htmx may swap the table between two WebDriver calls. */
    private Set<String> shownEmails() {
        List<?> emails = (List<?>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#members-table tr.member')).map(row => row.dataset.email);");
        return emails.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    private WebElement row(String email) {
        return browser.findElement(By.cssSelector("#members-table tr.member[data-email='" + email + "']"));
    }

    private String text(By locator) {
        return browser.findElement(locator).getText().strip();
    }

    /**
     * Waits until an element's text is as wanted and returns it. The element may be missing or swapped out (htmx
     * replaces it) between finding it and reading it; both only mean "not yet".
     */
    private String awaitText(String what, By locator, Predicate<String> wanted) {
        return await(what).atMost(PATIENCE)
                .ignoreExceptionsMatching(e -> e instanceof StaleElementReferenceException || e instanceof NoSuchElementException)
                .until(() -> text(locator), wanted);
    }

    private List<String> texts(By locator) {
        return browser.findElements(locator).stream().map(element -> element.getText().strip()).toList();
    }

    /** Picks the option of a select as a person does (a click on it), which fires the select's change event. */
    private void choose(String selectId, String value) {
        browser.findElement(By.cssSelector("#" + selectId + " option[value='" + value + "']")).click();
    }

    private void type(String fieldId, String value) {
        WebElement field = browser.findElement(By.id(fieldId));
        field.clear();
        field.sendKeys(value);
    }

    private void awaitPath(String path) {
        await("the browser at " + path).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> URI.create(browser.getCurrentUrl()).getPath(), path::equals);
        awaitLoaded();
    }

    private void awaitLoaded() {
        await("the page loaded").atMost(PATIENCE)
                .until(() -> "complete".equals(browser.executeScript("return document.readyState")));
    }

    /**
     * Clicks what submits a form or follows a link and waits for the next page: the old page's root gone stale, the
     * new one loaded (the same address may come back, so the address alone cannot tell).
     */
    private void clickToLoad(By locator) {
        WebElement oldPage = browser.findElement(By.tagName("html"));
        browser.findElement(locator).click();
        await("the next page after clicking " + locator).atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> isStale(oldPage));
        awaitLoaded();
    }

    private static boolean isStale(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        }
    }

    private void step(String name, long startedNanos, String figures) {
        String line = String.format("%-12s %6.1f s  %s", name, (System.nanoTime() - startedNanos) / 1e9, figures);
        log.info("== {}", line);
        report.add(line);
    }

    /** Into target/console-screenshots, and into docs/console when -Dconsole.screenshots.write=true. */
    private void screenshot(String name) throws java.io.IOException {
        Path file = Files.createDirectories(Path.of("target", "console-screenshots")).resolve(name + ".png");
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        if (Boolean.getBoolean(SCREENSHOTS_WRITE)) {
            Path docs = Files.createDirectories(LocalStackConfig.findRepositoryRoot(Path.of("")).resolve("docs").resolve("console"));
            Files.copy(file, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            log.info("screenshot {} written to {}", name, docs);
        }
    }
}
