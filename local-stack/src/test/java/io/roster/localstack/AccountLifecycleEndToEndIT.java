package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12's account lifecycle end to end: the whole suite as separate processes, every link read from the mail over
 * IMAP as its owner reads it. A password reset (the old password refused after it), a set-up link sent again (the
 * older one dead), and the owner of an address taking back an account someone else set a password for.
 *
 * <p>It runs on the {@link SharedStack} (data folder {@code local-stack/target/shared-stack-data}, kept with the services'
 * logs).
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountLifecycleEndToEndIT {

    private static final Ports PORTS = SharedStack.PORTS;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String NOTIFICATION = "http://127.0.0.1:" + PORTS.notification();
    /** The ports of the SMTP server an attacking organization admin runs (block 24 is no other test's). */
    private static final Ports ATTACKERS_SERVER = TestPorts.block(24);
    private static final String PASSWORD = "correct horse battery staple";
    private static final String NEW_PASSWORD = "a fresh and longer passphrase";
    private static final Duration MAIL_WAIT = Duration.ofSeconds(60);

    private final StackHttp http = new StackHttp();

    private LocalStackConfig config;
    private RunningStack stack;
    private String admin;
    private String organizationId;

    @BeforeAll
    void startTheStack() throws Exception {
        stack = SharedStack.stack();
        config = stack.config();
        admin = http.login(IDENTITY, config.adminEmail(), config.adminPassword());
        organizationId = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", admin, Map.of("name", "Lifecycle Co")),
                "organizationId");
    }

    @Test
    void aForgottenPasswordIsResetThroughTheMailedLinkAndTheOldOneStopsWorking() throws Exception {
        String rita = address("rita");
        createUser(rita, PASSWORD);
        String unknown = address("nobody");

        HttpResponse<String> known = StackHttp.expect(202, http.postAsJson(IDENTITY + "/api/v1/auth/password-reset", null, Map.of("email", rita)));
        HttpResponse<String> stranger = StackHttp.expect(202, http.postAsJson(IDENTITY + "/api/v1/auth/password-reset", null,
                Map.of("email", unknown)));
        assertThat(known.body()).isEqualTo(stranger.body());

        String token = awaitLinkTokens(rita, "/password-reset", 1).get(0);
        StackHttp.expect(200, http.get(INVITATION + "/password-reset?token=" + token, null, Map.of("Accept", "text/html")));
        StackHttp.expect(204, http.postAsJson(IDENTITY + "/api/v1/auth/password-reset/confirm", null,
                Map.of("token", token, "password", NEW_PASSWORD)));

        http.assertProblem(login(rita, PASSWORD), 401, "invalid_credentials");
        StackHttp.expect(200, login(rita, NEW_PASSWORD));
        http.assertProblem(http.postAsJson(IDENTITY + "/api/v1/auth/password-reset/confirm", null,
                Map.of("token", token, "password", "replayed link password")), 404, "token_not_found");
        assertThat(Mailbox.subjects(PORTS, unknown)).isEmpty();
    }

    @Test
    void anAdminSendsANewSetUpLinkTheOldOneIsDeadAndTheNewOneSetsThePassword() throws Exception {
        String sam = address("sam");
        String samId = createUser(sam, null);
        String first = awaitLinkTokens(sam, "/account-setup", 1).get(0);

        HttpResponse<String> resent = StackHttp.expect(202, http.post(IDENTITY + "/api/v1/users/" + samId + "/account-setup", admin, "{}"));
        assertThat(http.body(resent).path("expiresAt").asText()).isNotBlank();
        String second = awaitLinkTokens(sam, "/account-setup", 2).get(1);
        assertThat(second).isNotEqualTo(first);

        http.assertProblem(http.postAsJson(IDENTITY + "/api/v1/auth/account-setup", null, Map.of("token", first, "password", PASSWORD)),
                404, "token_not_found");
        StackHttp.expect(200, http.postAsJson(IDENTITY + "/api/v1/auth/account-setup", null, Map.of("token", second, "password", PASSWORD)));
        StackHttp.expect(200, login(sam, PASSWORD));
    }

    @Test
    void theOwnerOfAnAddressTakesBackAnAccountSomeoneElseSetAPasswordFor() throws Exception {
        String owner = address("olive");
        String squattersPassword = "the squatters own password";
        createUser(owner, squattersPassword); // a password chosen by someone other than the mailbox's owner, never verified
        String squattersSession = http.body(StackHttp.expect(200, login(owner, squattersPassword))).path("accessToken").asText();
        assertThat(squattersSession).isNotBlank();

        // the owner comes through a public invitation link and signs up: the address is taken, as ever, and a mail goes out
        String linkUrl = http.body(await("the invitation service knows the organization").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> http.postAsJson(INVITATION + "/api/v1/organizations/" + organizationId + "/invitation-links", admin,
                        Map.of("name", "Open door", "roles", List.of("member"))), r -> r.statusCode() == 201)).path("url").asText();
        String linkToken = linkUrl.substring(linkUrl.lastIndexOf('/') + 1);
        HttpResponse<String> signUp = await("identity knows the link").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> http.postAsJson(IDENTITY + "/api/v1/auth/sign-up", null, Map.of("email", owner, "password", PASSWORD,
                        "firstName", "Olive", "lastName", "Owner", "invitationToken", linkToken)), r -> r.statusCode() != 404);
        http.assertProblem(signUp, 409, "email_taken");

        String claim = awaitLinkTokens(owner, "/password-reset", 1).get(0);
        assertThat(Mailbox.subjects(PORTS, owner)).anySatisfy(subject -> assertThat(subject).contains("take over"));
        StackHttp.expect(204, http.postAsJson(IDENTITY + "/api/v1/auth/password-reset/confirm", null,
                Map.of("token", claim, "password", PASSWORD)));

        StackHttp.expect(200, login(owner, PASSWORD));
        http.assertProblem(login(owner, squattersPassword), 401, "invalid_credentials");
    }

    /**
     * V2, the attack: an organization admin points the organization's SMTP settings at a server they run (here a second
     * mail catcher), invites an address they do not own, reads the token from their own server and signs up with it.
     * The account exists, but its address is not verified: another organization's {@code *@domain} link refuses it, and
     * the platform's verification email goes to the real mailbox, which the attacker cannot read.
     */
    @Test
    void anInvitationTokenReadFromAnOrganizationsOwnSmtpServerDoesNotProveTheAddress() throws Exception {
        String domain = "victim-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        HttpResponse<String> victimsLink = await("the invitation service knows the organization").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> http.postAsJson(INVITATION + "/api/v1/organizations/" + organizationId + "/invitation-links", admin,
                        Map.of("name", "Staff of " + domain, "emails", List.of("*@" + domain), "roles", List.of("member"))),
                        r -> r.statusCode() == 201);
        String victimsLinkToken = http.body(victimsLink).path("url").asText().replaceAll(".*/", "");

        String mallory = address("mallory");
        StackHttp.expect(201, http.postAsJson(IDENTITY + "/api/v1/users", admin,
                Map.of("firstName", "Mallory", "lastName", "M", "email", mallory, "password", PASSWORD)));
        String attacker = http.body(StackHttp.expect(200, login(mallory, PASSWORD))).path("accessToken").asText();
        String ownOrganization = http.created(http.postAsJson(IDENTITY + "/api/v1/organizations", attacker,
                Map.of("name", "Mallory Relay Co")), "organizationId");

        try (MailCatcher attackersServer = MailCatcher.start(ATTACKERS_SERVER.smtp(), ATTACKERS_SERVER.imap(), ATTACKERS_SERVER.inbox())) {
            StackHttp.expect(200, await("the notification service knows Mallory is an admin").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> http.putAsJson(NOTIFICATION + "/api/v1/organizations/" + ownOrganization + "/email-settings", attacker,
                            Map.of("host", "127.0.0.1", "port", ATTACKERS_SERVER.smtp(), "tlsMode", "none",
                                    "senderAddress", "hr@mallory.test")), r -> r.statusCode() != 403 && r.statusCode() != 404));
            String target = "ceo@" + domain;
            StackHttp.expect(201, await("the invitation service knows Mallory is an admin").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> http.postAsJson(INVITATION + "/api/v1/organizations/" + ownOrganization + "/invitations", attacker,
                            Map.of("emails", List.of(target), "roles", List.of("member"))), r -> r.statusCode() != 403 && r.statusCode() != 404));
            String stolen = await("the invitation on Mallory's own server").atMost(MAIL_WAIT).pollInterval(Duration.ofMillis(300))
                    .until(() -> Mailbox.inviteLinks(ATTACKERS_SERVER, target), links -> !links.isEmpty()).get(0).replaceAll(".*/", "");
            assertThat(Mailbox.subjects(PORTS, target)).as("the platform carried nothing to the target").isEmpty();

            HttpResponse<String> signUp = await("identity knows the invitation").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> http.postAsJson(IDENTITY + "/api/v1/auth/sign-up", null, Map.of("email", target, "password", PASSWORD,
                            "firstName", "Not", "lastName", "TheCeo", "invitationToken", stolen)), r -> r.statusCode() != 404);
            StackHttp.expect(201, signUp);
        }
        String impostor = http.body(StackHttp.expect(200, login("ceo@" + domain, PASSWORD))).path("accessToken").asText();

        // the other organization's domain link wants a verified address: refused, however long one waits for it
        HttpResponse<String> joined = await("the invitation service knows the new account").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> http.post(INVITATION + "/api/v1/invitations/" + victimsLinkToken + "/accept", impostor, "{}"),
                        r -> r.statusCode() != 404 && r.statusCode() != 503);
        http.assertProblem(joined, 403, "email_not_verified");
        // the proof goes to the real mailbox, through the platform
        assertThat(awaitLinkTokens("ceo@" + domain, "/verify-email", 1)).hasSize(1);
    }

    private HttpResponse<String> login(String email, String password) throws Exception {
        return http.postAsJson(IDENTITY + "/api/v1/auth/token", null, Map.of("email", email, "password", password));
    }

    /** A user created by the provider admin into the organization; without a password it gets a set-up link. */
    private String createUser(String email, String password) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("firstName", "Test", "lastName", "User", "email", email,
                "memberships", List.of(Map.of("organizationId", organizationId, "roles", List.of("member")))));
        if (password != null) {
            body.put("password", password);
        }
        HttpResponse<String> created = http.postAsJson(IDENTITY + "/api/v1/users", admin, body);
        assertThat(created.statusCode()).as(describe(created)).isEqualTo(201);
        return http.body(created).path("userId").asText();
    }

    /** The tokens of the links to {@code page} in the address's mail, oldest first, once {@code count} arrived. */
    private List<String> awaitLinkTokens(String address, String page, int count) {
        Pattern link = Pattern.compile(Pattern.quote(INVITATION + page) + "\\?token=([A-Za-z0-9_%-]+)");
        return await(page + " links to " + address).atMost(MAIL_WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    List<String> tokens = new ArrayList<>();
                    for (String text : Mailbox.plainTexts(PORTS, address)) {
                        Matcher matcher = link.matcher(text);
                        if (matcher.find()) {
                            tokens.add(java.net.URLDecoder.decode(matcher.group(1), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                    return tokens;
                }, tokens -> tokens.size() >= count);
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@lifecycle.test";
    }
}
