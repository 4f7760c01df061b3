package io.roster.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack the console's {@code X-Forwarded-For} ends, through the real services: someone types wrong passwords into
 * the console's sign-in form until identity refuses their address, and the console still signs everybody else in.
 * Before the console passed the browser's address on, identity counted every console user as the console's one
 * address, and the person below was refused too.
 * <p>
 * The browsers connect from their own loopback addresses (Linux routes all of 127.0.0.0/8 to the loopback interface):
 * the attacker from 127.0.0.2, the person from 127.0.0.3. The console calls identity from 127.0.0.1, which the local
 * stack's services trust as a proxy. It runs on the {@link SharedStack}, whose limit of wrong passwords per address is
 * lowered (the number of tries is read from it, so the test does what the limit asks on any stack).
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleRateLimitEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRateLimitEndToEndIT.class);
    private static final String CONSOLE = "http://127.0.0.1:" + SharedStack.PORTS.console();
    private static final String SESSION_COOKIE = "ROSTER_CONSOLE_SESSION";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern PROBLEM = Pattern.compile("data-code=\"([^\"]+)\"");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private LocalStackConfig config;
    private int capacity;

    @BeforeAll
    void readTheLimit() {
        config = SharedStack.stack().config();
        capacity = Integer.parseInt(config.extraServiceEnvironment().getOrDefault("ROSTER_RATE_LIMIT_LOGIN_ADDRESS_CAPACITY", "100"));
    }

    @Test
    void wrongPasswordsFromOneBrowserLockOutThatBrowserAloneNotTheConsolesOtherUsers() throws IOException {
        Browser attacker = new Browser("127.0.0.2");
        List<String> answers = new ArrayList<>();
        long started = System.nanoTime();
        // a new unknown address each time: the limit per account never comes into it, only the one per client address;
        // refilling evenly, the bucket may give a try or two back during the burst
        for (int attempt = 0; attempt < capacity + 10 && !answers.contains("429 rate_limited"); attempt++) {
            answers.add(attacker.signIn("guess-" + UUID.randomUUID() + "@attacker.test", "a guess"));
        }
        long burstMillis = (System.nanoTime() - started) / 1_000_000;
        String attackerWithTheRightPassword = attacker.signIn(config.adminEmail(), config.adminPassword());
        String person = new Browser("127.0.0.3").signIn(config.adminEmail(), config.adminPassword());

        long refusedWrongPasswords = answers.stream().filter("401 invalid_credentials"::equals).count();
        List<String> report = List.of(
                "limit: " + capacity + " wrong passwords per client address; the attacker's tries from 127.0.0.2: " + answers.size()
                        + " in " + burstMillis + " ms, " + refusedWrongPasswords + " refused as wrong, then " + answers.get(answers.size() - 1),
                "the attacker with the right password: " + attackerWithTheRightPassword,
                "a person at 127.0.0.3 with the right password: " + person);
        report.forEach(line -> log.info("{}", line));
        Files.write(Path.of("target", "console-rate-limit-e2e-report.txt"), report);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(refusedWrongPasswords).as("wrong passwords answered as such before identity refused the address")
                .isGreaterThanOrEqualTo(capacity);
        softly.assertThat(answers).as("the attacker's last try").last().isEqualTo("429 rate_limited");
        softly.assertThat(attackerWithTheRightPassword).as("the attacker's address, even with the right password")
                .isEqualTo("429 rate_limited");
        softly.assertThat(person).as("the person at another address signs in through the same console")
                .isEqualTo("303 /console/");
        softly.assertAll();
    }

    /**
     * A browser without script whose connections to the console leave from one loopback address; it opens the sign-in
     * page once (its session cookie and the form's CSRF token serve every try).
     */
    private static final class Browser {

        private final HttpClient http;
        private final String session;
        private final String csrf;

        Browser(String address) {
            HttpClient client = HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0)).baseUrl(CONSOLE)
                    .responseTimeout(REQUEST_TIMEOUT);
            Page page = client.get().uri("/console/sign-in").responseSingle((response, body) -> body.asString()
                    .map(text -> new Page(response, text))).block(REQUEST_TIMEOUT);
            assertThat(page.status()).as("the sign-in page").isEqualTo(200);
            Matcher token = CSRF.matcher(page.body());
            assertThat(token.find()).as("the sign-in form's CSRF token").isTrue();
            this.csrf = token.group(1);
            this.session = page.cookie().orElseThrow();
            this.http = client.headers(headers -> headers.set("Cookie", SESSION_COOKIE + "=" + session));
        }

        /** The console's answer to the sign-in form: "303 " and where it sends, or the status and the problem shown. */
        String signIn(String email, String password) {
            Page answer = http.post().uri("/console/sign-in")
                    .sendForm((request, form) -> form.attr("_csrf", csrf).attr("email", email).attr("password", password))
                    .responseSingle((response, body) -> body.asString().defaultIfEmpty("").map(text -> new Page(response, text)))
                    .block(REQUEST_TIMEOUT);
            if (answer.status() == 303) {
                return "303 " + answer.location();
            }
            Matcher problem = PROBLEM.matcher(answer.body());
            return answer.status() + " " + (problem.find() ? problem.group(1) : "(no problem shown)");
        }
    }

    private record Page(int status, String location, Optional<String> cookie, String body) {

        Page(HttpClientResponse response, String body) {
            this(response.status().code(), response.responseHeaders().get("Location", ""),
                    response.responseHeaders().getAll("Set-Cookie").stream().filter(c -> c.startsWith(SESSION_COOKIE + "="))
                            .map(c -> c.substring(SESSION_COOKIE.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                            .findFirst(), body);
        }
    }
}
