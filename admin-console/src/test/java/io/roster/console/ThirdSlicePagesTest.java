package io.roster.console;

import static io.roster.console.StandInApi.items;
import static org.assertj.core.api.Assertions.assertThat;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * The bulk CSV, email and audit pages against a stand-in API answering fixed JSON (the whole stack's behaviour is
 * AdminConsoleBrowserIT's): the bad-input messages (a 2 MB file that is no CSV, an empty file, a port that is no
 * number, a time that is no time) come beside what caused them without a call to the API, and the calls the forms
 * make carry what the forms say. The password of the SMTP settings never comes back into a page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ThirdSlicePagesTest {

    private static final String ORG = "00000000-0000-0000-0000-0000000000a1";
    private static final String USER = "00000000-0000-0000-0000-00000000000a";
    private static final String SECRET = "the-stored-smtp-password";
    /** A form field: its name, and its value where it has one. */
    private static final Pattern FIELD = Pattern.compile("<input[^>]*?name=\"([^\"]+)\"(?:[^>]*?value=\"([^\"]*)\")?[^>]*>");
    @RegisterExtension
    private static final StandInApi API = StandInApi.start(ThirdSlicePagesTest::answer);
    private static final List<String> CALLS = API.calls();
    private static volatile boolean admin = true;

    @Autowired
    WebTestClient web;
    private SignedInSession signedIn;
    private String session;
    private String csrf;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        API.pointConsoleAt(registry);
    }


    @BeforeEach
    void signedInAdmin() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        signedIn = SignedInSession.signIn(web, "ann@example.com", "secret");
        session = signedIn.id();
        csrf = signedIn.csrf();
        CALLS.clear();
        admin = true;
    }

    @Test
    void aTwoMegabyteFileThatIsNoCsvIsRefusedBesideTheUploadFieldWithoutACall() {
        byte[] image = new byte[2 * 1024 * 1024];
        Arrays.fill(image, (byte) 0x89);
        String page = upload("photo.png", image).expectStatus().isEqualTo(413).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"upload-problem\"").contains("The file is too large")
                .contains("at most 1 MiB").doesNotContain("Exception");
        assertThat(CALLS).noneMatch(call -> call.contains("/bulk"));
    }

    @Test
    void anEmptyFileAndNoFileAreRefusedReadablyWithoutACall() {
        String empty = upload("people.csv", new byte[0]).expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(empty).contains("id=\"upload-problem\"").contains("The file people.csv is empty");
        assertThat(CALLS).noneMatch(call -> call.contains("/bulk"));
    }

    @Test
    void theDryRunShowsTheSkippedRowsOffersTheReportAndTheRealRunSendsTheSameFile() {
        String csv = "email,group membership\nann@example.com,Platform\nnot-an-address,\n";
        upload("people.csv", csv.getBytes(StandardCharsets.UTF_8)).expectStatus().isSeeOther();
        assertThat(CALLS).contains("POST /api/v1/organizations/" + ORG + "/invitations/bulk?dryRun=true&roles=member text/csv;charset=UTF-8 " + csv);
        String page = get("/console/organizations/" + ORG + "/bulk");
        assertThat(page).contains("Dry run of people.csv: nothing invited yet").contains("data-line=\"3\"")
                .contains("data-code=\"invalid_email\"").contains("Not a valid email address.").contains("id=\"bulk-run\"")
                .contains("Invite 1 address");
        String report = get("/console/organizations/" + ORG + "/bulk/report.csv");
        assertThat(report).startsWith("line,email,result,code,detail\r\n3,not-an-address,skipped,invalid_email,Not a valid email address.\r\n")
                .contains("would be invited,,1 of 2 rows");

        CALLS.clear();
        post("/console/organizations/" + ORG + "/bulk/run");
        assertThat(CALLS).contains("POST /api/v1/organizations/" + ORG + "/invitations/bulk?dryRun=false&roles=member text/csv;charset=UTF-8 " + csv);
        assertThat(get("/console/organizations/" + ORG + "/bulk")).contains("Invited from people.csv").doesNotContain("id=\"bulk-run\"");
    }

    @Test
    void theEmailPageSaysWhetherAPasswordIsSetNeverShowsItAndKeepsItWhenTheFieldIsLeftEmpty() {
        String page = get("/console/organizations/" + ORG + "/email");
        assertThat(page).contains("id=\"password-state\">set<").contains("value=\"smtp.example.com\"").doesNotContain(SECRET)
                .contains("data-status=\"failed\"").contains("550 mailbox unavailable");
        post("/console/organizations/" + ORG + "/email/settings", "host", "smtp.example.com", "port", "587", "tlsMode", "starttls",
                "username", "mailer", "password", "", "senderAddress", "hr@example.com", "senderName", "");
        assertThat(CALLS).anyMatch(call -> call.startsWith("PUT /api/v1/organizations/" + ORG + "/email-settings")
                && call.contains("\"username\":\"mailer\"") && !call.contains("\"password\""));
    }

    @Test
    void aPortThatIsNoNumberIsShownBesideThePortFieldWithoutACall() {
        String page = web.post().uri("/console/organizations/" + ORG + "/email/settings").cookie("ROSTER_CONSOLE_SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", csrf).with("host", "smtp.example.com").with("port", "smtp")
                        .with("tlsMode", "starttls").with("senderAddress", "hr@example.com").with("password", "typed-secret"))
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"smtp-port-problem\"").contains("must be a number such as 587").contains("value=\"smtp\"")
                .doesNotContain("typed-secret");
        assertThat(CALLS).noneMatch(call -> call.startsWith("PUT"));
    }

    @Test
    void theAuditFiltersGoToTheApiAndATimeThatIsNoTimeIsShownBesideItsField() {
        String page = get("/console/organizations/" + ORG + "/audit?type=MemberAdded&actor=" + USER + "&from=2026-12-07T09:30");
        assertThat(page).contains("data-name=\"MemberAdded\"").contains(">ann@example.com</td>");
        assertThat(CALLS).anyMatch(call -> call.startsWith("GET /api/v1/organizations/" + ORG + "/events?limit=50&type=MemberAdded&actor="
                + USER + "&from=2026-12-07T09%3A30%3A00Z"));
        String export = get("/console/organizations/" + ORG + "/audit/export.csv?type=MemberAdded");
        assertThat(export).startsWith("occurredAt,event,actorId,aggregateId,eventId,payload\r\n2026-12-07T10:00:00Z,MemberAdded," + USER);

        CALLS.clear();
        String refused = web.get().uri("/console/organizations/" + ORG + "/audit?from=yesterday").cookie("ROSTER_CONSOLE_SESSION", session)
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(refused).contains("id=\"audit-from-problem\"").contains("yesterday&#39; is not a time");
        assertThat(CALLS).noneMatch(call -> call.contains("/events"));
    }

    @Test
    void aPlainMemberSeesNoUploadOrSettingsAndAForgedUploadShowsTheApisRefusal() {
        admin = false;
        assertThat(get("/console/organizations/" + ORG + "/bulk")).contains("id=\"read-only\"").doesNotContain("bulk-upload-form");
        assertThat(get("/console/organizations/" + ORG + "/email")).contains("id=\"read-only\"").doesNotContain("smtp-form")
                .doesNotContain("delivery-table");
        assertThat(get("/console/organizations/" + ORG + "/audit")).contains("id=\"read-only\"").doesNotContain("audit-table")
                .contains("as-of-form");
        assertThat(CALLS).as("no read the API would refuse").noneMatch(call -> call.contains("/email-settings")
                || call.contains("/notifications") || call.contains("/events"));
        String forged = upload("people.csv", "email,group membership\nx@example.com,\n".getBytes(StandardCharsets.UTF_8))
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();
        assertThat(forged).contains("data-code=\"forbidden\"");
    }

    /**
     * Uploads as Chromium does: the parts in the order the page's form declares its fields, encoded as a browser
     * encodes them. Spring's multipart parser loses an empty file part followed by other parts when it comes in this
     * form (spring-framework#37264; Spring's own client encoding does not show it), so the form puts its file last.
     */
    private WebTestClient.ResponseSpec upload(String fileName, byte[] content) {
        String page = get("/console/organizations/" + ORG + "/bulk");
        int start = page.indexOf("id=\"bulk-upload-form\"");
        // a plain member's page has no form: the forged upload sends the fields an admin's form has
        String form = start < 0 ? "<input name=\"_csrf\"><input name=\"roles\" value=\"member\" checked><input name=\"file\">"
                : page.substring(start, page.indexOf("</form>", start));
        String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Matcher field = FIELD.matcher(form);
        while (field.find()) {
            String name = field.group(1);
            switch (name) {
                case "_csrf" -> body.writeBytes(textPart(boundary, name, csrf));
                case "roles" -> {
                    if (field.group().contains("checked")) {
                        body.writeBytes(textPart(boundary, name, field.group(2)));
                    }
                }
                case "file" -> {
                    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                            + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    body.writeBytes(content);
                    body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
                }
                default -> throw new AssertionError("a field the upload does not fill: " + field.group());
            }
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return web.post().uri("/console/organizations/" + ORG + "/bulk/dry-run").cookie("ROSTER_CONSOLE_SESSION", session)
                .contentType(MediaType.parseMediaType("multipart/form-data; boundary=" + boundary)).bodyValue(body.toByteArray())
                .exchange();
    }

    private static byte[] textPart(String boundary, String name, String value) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private String get(String path) {
        return signedIn.get(path);
    }

    private void post(String path, String... fields) {
        signedIn.post(path, fields).expectStatus().isSeeOther();
    }

    private static Answer answer(Request request) {
        String path = request.path();
        String method = request.method();
        String body = request.body();
        String type = request.contentType();
        String json;
        int status = 200;
        if (path.startsWith("/api/v1/auth/token")) {
            return Answer.token(USER, "ann@example.com", false, 3600);
        } else if (path.contains("/bulk") && !admin) {
            status = 403;
            json = "{\"status\":403,\"code\":\"forbidden\",\"detail\":\"Only admins may do this.\"}";
        } else if (path.contains("/bulk")) {
            status = path.contains("dryRun=true") ? 200 : 201;
            json = "{\"jobId\":" + (status == 200 ? "null" : "\"00000000-0000-0000-0000-0000000000e1\"")
                    + ",\"dryRun\":" + (status == 200) + ",\"total\":2,\"invited\":1,\"failed\":[{\"line\":3,\"email\":\"not-an-address\","
                    + "\"code\":\"invalid_email\",\"detail\":\"Not a valid email address.\"}]}";
        } else if (path.contains("/email-settings")) {
            json = "{\"organizationId\":\"" + ORG + "\",\"host\":\"smtp.example.com\",\"port\":587,\"tlsMode\":\"starttls\","
                    + "\"username\":\"mailer\",\"passwordSet\":true,\"senderAddress\":\"hr@example.com\",\"senderName\":null}";
        } else if (path.contains("/notifications")) {
            json = items("{\"notificationId\":\"00000000-0000-0000-0000-0000000000f1\",\"kind\":\"invitation\",\"status\":\"failed\","
                    + "\"recipient\":\"ivy@example.com\",\"attempts\":5,\"lastError\":\"550 mailbox unavailable\",\"createdAt\":\"2026-12-07T10:00:00Z\"}");
        } else if (path.contains("/events")) {
            json = items("{\"occurredAt\":\"2026-12-07T10:00:00Z\",\"type\":\"roster.identity.MemberAdded.v1\",\"name\":\"MemberAdded\","
                    + "\"actorId\":\"" + USER + "\",\"organizationId\":\"" + ORG + "\",\"aggregateId\":\"" + ORG + "\",\"sequence\":3,"
                    + "\"eventId\":\"00000000-0000-0000-0000-0000000000f2\",\"payload\":{\"roles\":[\"member\"]},\"redacted\":[]}");
        } else if (path.startsWith("/api/v1/organizations?")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"name\":\"Console Co\"}");
        } else if (path.startsWith("/api/v1/users/")) {
            json = items("{\"organizationId\":\"" + ORG + "\",\"roles\":[\"" + (admin ? "admin" : "member") + "\"]}");
        } else if (path.contains("/members")) {
            json = items("{\"userId\":\"" + USER + "\",\"email\":\"ann@example.com\",\"roles\":[\"admin\"],\"status\":\"active\"}");
        } else {
            json = items();
        }
        return new Answer(status, json);
    }

}
