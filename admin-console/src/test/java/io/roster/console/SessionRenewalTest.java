package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The session's token is renewed before it expires, against a stand-in API: sign-in answers a token of the lifetime a
 * test chooses, the renewal endpoint answers a new one-hour token or a 401 as the test chooses, and every other call
 * (the home page's list of organizations) is recorded with the bearer token it carried. The console runs with its
 * defaults: a 10 min renewal window and a 1 min end margin. Figures go to {@code target/session-renewal-report.txt}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionRenewalTest {

    private static final Logger log = LoggerFactory.getLogger(SessionRenewalTest.class);
    private static final String SESSION_COOKIE = SignedInSession.COOKIE;
    private static final AtomicLong SIGN_IN_LIFETIME = new AtomicLong(3600);
    private static final AtomicInteger ISSUED = new AtomicInteger();
    /** The bearer token of each renewal asked for, in order. */
    private static final List<String> RENEWALS = new CopyOnWriteArrayList<>();
    /** The bearer token of each other API call, in order. */
    private static final List<String> API_CALLS = new CopyOnWriteArrayList<>();
    private static final AtomicReference<String> LAST_ISSUED = new AtomicReference<>();
    private static volatile boolean refuseRenewals;
    /** While set, a renewal waits for it: the test holds a renewal under way. */
    private static volatile CountDownLatch renewalHeld;
    private static final StandInApi API = StandInApi.start(SessionRenewalTest::answer);
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();

    @Autowired
    WebTestClient web;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        API.pointConsoleAt(registry);
    }

    @AfterAll
    static void stopApiAndReport() throws IOException {
        API.stop();
        REPORT.forEach(line -> log.info("{}", line));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "session-renewal-report.txt"), REPORT);
    }

    @BeforeEach
    void reset() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        refuseRenewals = false;
        renewalHeld = null;
        RENEWALS.clear();
        API_CALLS.clear();
    }

    @Test
    void aTokenFarFromItsExpiryIsNotRenewed() {
        SIGN_IN_LIFETIME.set(3600);
        String session = signIn();
        String signInToken = LAST_ISSUED.get();
        int first = page(session);
        int second = page(session);
        REPORT.add("token of 1 h: pages " + first + ", " + second + "; renewals " + RENEWALS.size() + "; API calls " + API_CALLS.size());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(List.of(first, second)).as("pages").containsOnly(200);
        softly.assertThat(RENEWALS).as("renewals of a token 1 h from expiry (window 10 min)").isEmpty();
        softly.assertThat(API_CALLS).as("API calls carry the sign-in token").isNotEmpty().containsOnly(signInToken);
        softly.assertAll();
    }

    @Test
    void aTokenWithinTheWindowIsRenewedBeforeThePageAndTheNewTokenServesTheNextCalls() {
        SIGN_IN_LIFETIME.set(300);
        String session = signIn();
        String signInToken = LAST_ISSUED.get();
        int first = page(session);
        String renewedToken = LAST_ISSUED.get();
        int second = page(session);
        REPORT.add("token of 5 min: pages " + first + ", " + second + "; renewals " + RENEWALS.size() + " (with the sign-in token: "
                + RENEWALS.stream().allMatch(signInToken::equals) + "); API calls with the renewed token "
                + API_CALLS.stream().filter(renewedToken::equals).count() + " of " + API_CALLS.size());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(List.of(first, second)).as("pages").containsOnly(200);
        softly.assertThat(RENEWALS).as("one renewal, asked with the sign-in token").containsExactly(signInToken);
        softly.assertThat(renewedToken).as("a new token").isNotEqualTo(signInToken);
        softly.assertThat(API_CALLS).as("every API call, the first page's too, carries the renewed token")
                .isNotEmpty().containsOnly(renewedToken);
        softly.assertAll();
    }

    @Test
    void aRefusedRenewalEndsTheSessionWithTheSignInPagesMessage() {
        SIGN_IN_LIFETIME.set(300);
        String session = signIn();
        refuseRenewals = true;
        EntityExchangeResult<byte[]> ended = web.get().uri("/console/").cookie(SESSION_COOKIE, session).exchange().expectBody().returnResult();
        String location = ended.getResponseHeaders().getFirst("Location");
        String htmxRedirect = web.get().uri("/console/").cookie(SESSION_COOKIE, session).header("HX-Request", "true").exchange()
                .expectBody().returnResult().getResponseHeaders().getFirst("HX-Redirect");
        String signInPage = web.get().uri(location == null ? "/console/sign-in" : location).exchange().expectBody(String.class)
                .returnResult().getResponseBody();
        REPORT.add("refused renewal: " + ended.getStatus().value() + " to " + location + "; the next request (htmx) goes to "
                + htmxRedirect + "; renewals " + RENEWALS.size() + "; API calls " + API_CALLS.size());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(ended.getStatus().value()).as("status").isEqualTo(303);
        softly.assertThat(location).as("sent to").isEqualTo("/console/sign-in?ended=true");
        softly.assertThat(signInPage).as("the sign-in page").contains("You were signed out: your session ended. Sign in again to go on.");
        softly.assertThat(htmxRedirect).as("the session is gone: the next request is sent to sign in").isEqualTo("/console/sign-in");
        softly.assertThat(RENEWALS).as("renewals asked").hasSize(1);
        softly.assertThat(API_CALLS).as("no page was served with the refused token").isEmpty();
        softly.assertAll();
    }

    @Test
    void concurrentRequestsOfOneSessionWaitForOneRenewal() {
        SIGN_IN_LIFETIME.set(300);
        String session = signIn();
        renewalHeld = new CountDownLatch(1);
        Mono<List<Integer>> pages = Flux.range(0, 4).flatMap(i -> Mono.fromCallable(() -> page(session))
                .subscribeOn(Schedulers.boundedElastic())).collectList().cache();
        pages.subscribe();
        await().atMost(Duration.ofSeconds(30)).until(() -> RENEWALS.size() >= 1);
        renewalHeld.countDown();
        List<Integer> statuses = pages.block(Duration.ofSeconds(60));
        String renewedToken = LAST_ISSUED.get();
        REPORT.add("4 concurrent pages: " + statuses + "; renewals " + RENEWALS.size() + "; API calls with the renewed token "
                + API_CALLS.stream().filter(renewedToken::equals).count() + " of " + API_CALLS.size());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(statuses).as("pages").hasSize(4).containsOnly(200);
        softly.assertThat(RENEWALS).as("renewals for 4 concurrent requests").hasSize(1);
        softly.assertThat(API_CALLS).as("every page used the renewed token").isNotEmpty().containsOnly(renewedToken);
        softly.assertAll();
    }

    /** The de-duplication itself, without HTTP: a renewal under way is shared by every request that meets it. */
    @Test
    void aSecondRenewalOfOneSessionJoinsTheOneUnderWay() {
        var session = new org.springframework.web.server.session.InMemoryWebSessionStore().createWebSession().block();
        SignedInUser before = new SignedInUser("u", "ann@example.com", false, "old", java.time.Instant.now());
        SignedInUser after = new SignedInUser("u", "ann@example.com", false, "new", java.time.Instant.now().plusSeconds(3600));
        session.getAttributes().put(SignedInUser.SESSION_ATTRIBUTE, before);
        Sinks.One<SignedInUser> identity = Sinks.one();
        AtomicInteger started = new AtomicInteger();
        List<SignedInUser> outcomes = new ArrayList<>();
        ConsoleSession.renewOnce(session, user -> {
            started.incrementAndGet();
            return identity.asMono();
        }).subscribe(outcomes::add);
        ConsoleSession.renewOnce(session, user -> {
            started.incrementAndGet();
            return Mono.just(user);
        }).subscribe(outcomes::add);
        identity.tryEmitValue(after);
        // finished: the next renewal is a new one
        ConsoleSession.renewOnce(session, user -> {
            started.incrementAndGet();
            return Mono.just(after);
        }).subscribe(outcomes::add);
        REPORT.add("renewOnce: started " + started.get() + " renewals for 3 requests, 2 of them concurrent; outcomes "
                + outcomes.stream().map(SignedInUser::accessToken).toList());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(started.get()).as("renewals started").isEqualTo(2);
        softly.assertThat(outcomes).as("outcomes").containsExactly(after, after, after);
        softly.assertAll();
    }

    private int page(String session) {
        return web.get().uri("/console/").cookie(SESSION_COOKIE, session).exchange().expectBody(String.class).returnResult()
                .getStatus().value();
    }

    /** Signs in through the form; the session cookie's value (its id changes at sign-in). */
    private String signIn() {
        return SignedInSession.signIn(web, "ann@example.com", "secret").id();
    }

    private static Answer answer(Request request) {
        if (request.path().startsWith("/api/v1/auth/token/renew")) {
            return renew(request);
        }
        if (request.path().startsWith("/api/v1/auth/token")) {
            return Answer.ok(token(SIGN_IN_LIFETIME.get()));
        }
        API_CALLS.add(bearer(request));
        return Answer.ok(StandInApi.items());
    }

    private static Answer renew(Request request) {
        RENEWALS.add(bearer(request));
        CountDownLatch held = renewalHeld;
        if (held != null) {
            try {
                // bounded: a test that never releases it fails on its own assertions, not by hanging
                held.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return refuseRenewals ? Answer.problem(401, "session_too_old", "Sign in again.") : Answer.ok(token(3600));
    }

    /** A token body whose JWT (unsigned: the console reads the claims, identity would check them) is unique. */
    private static String token(long lifetimeSeconds) {
        String claims = "{\"sub\":\"00000000-0000-0000-0000-00000000000a\",\"email\":\"ann@example.com\",\"providerRoles\":[\"provider-admin\"],"
                + "\"n\":" + ISSUED.incrementAndGet() + "}";
        String token = "e30." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
        LAST_ISSUED.set(token);
        return "{\"accessToken\":\"" + token + "\",\"tokenType\":\"Bearer\",\"expiresIn\":" + lifetimeSeconds + "}";
    }

    private static String bearer(Request request) {
        return request.bearer().isEmpty() ? "(none)" : request.bearer();
    }

}
