package io.roster.identity.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.ratelimit.RateLimiter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * V4, as the attack: bursts of wrong passwords, sign-ups and reset requests are answered 429 {@code rate_limited} with
 * {@code Retry-After}, and served again once the bucket refilled. The test client connects from 127.0.0.1, configured
 * here as a trusted proxy, so each test is its own client address through {@code X-Forwarded-For}; the limits are
 * short (seconds) so that the refill can be awaited. The service runs as on Kubernetes
 * ({@code spring.main.cloud-platform=kubernetes}), where Spring Boot would by default take the connection's address
 * from the header's first entry, which the client writes.
 */
@TestPropertySource(properties = {
        "spring.main.cloud-platform=kubernetes",
        "roster.rate-limits.trusted-proxies=127.0.0.1/32,::1/128",
        "roster.rate-limits.limits.login-failures-per-account.capacity=3",
        "roster.rate-limits.limits.login-failures-per-account.period=PT15S",
        "roster.rate-limits.limits.login-failures-per-address.capacity=5",
        "roster.rate-limits.limits.login-failures-per-address.period=PT25S",
        "roster.rate-limits.limits.sign-up-per-address.capacity=3",
        "roster.rate-limits.limits.sign-up-per-address.period=PT1M",
        "roster.rate-limits.limits.password-reset-per-address.capacity=3",
        "roster.rate-limits.limits.password-reset-per-address.period=PT1M"})
class LoginRateLimitTest extends IdentityHttpTest {

    @Autowired
    private MeterRegistry meters;

    @Test
    void wrongPasswordsForOneAccountAreRefusedBeforeThePasswordIsCheckedUntilTheWindowRefills() {
        TestUser ann = createUser("ann", List.of());
        for (int i = 0; i < 3; i++) {
            login(ann.email(), "wrong password", "198.51.100.1").expectStatus().isUnauthorized();
        }
        // from another address too: the account's bucket is empty, whatever the address
        for (String address : List.of("198.51.100.1", "198.51.100.11")) {
            login(ann.email().toUpperCase(), "wrong password", address).expectStatus().isEqualTo(429)
                    .expectHeader().valueMatches(HttpHeaders.RETRY_AFTER, "[1-9][0-9]*")
                    .expectBody().jsonPath("$.code").isEqualTo("rate_limited");
        }
        // the right password is not even compared while limited
        login(ann.email(), PASSWORD, "198.51.100.1").expectStatus().isEqualTo(429);
        assertThat(meters.get(RateLimiter.REFUSALS_METRIC).tag("limit", "login-failures-per-account").counter().count())
                .isGreaterThanOrEqualTo(3);

        // not locked for good: once a try is back, the owner gets in
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> login(ann.email(), PASSWORD, "198.51.100.1").returnResult(String.class).getStatus().value() == 200);
    }

    @Test
    void wrongPasswordsFromOneAddressAreLimitedAcrossAccounts() {
        for (int i = 0; i < 5; i++) {
            login(uniqueEmail("nobody"), "guess", "198.51.100.2").expectStatus().isUnauthorized();
        }
        login(uniqueEmail("nobody"), "guess", "198.51.100.2").expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER);
        // another client is not affected
        login(uniqueEmail("nobody"), "guess", "198.51.100.3").expectStatus().isUnauthorized();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> login(uniqueEmail("nobody"), "guess", "198.51.100.2").returnResult(String.class).getStatus().value() == 401);
    }

    /**
     * A guesser behind a trusted proxy (the admin console, an ingress) that writes a new address of its own into
     * {@code X-Forwarded-For} each time: the proxy appends the address it saw, and the walk from the right stops there.
     */
    @Test
    void aGuesserBehindTheProxyIsLimitedWhateverItWritesLeftOfItsAddress() {
        for (int i = 0; i < 5; i++) {
            login(uniqueEmail("nobody"), "guess", "203.0.113." + i + ", 198.51.100.9").expectStatus().isUnauthorized();
        }
        login(uniqueEmail("nobody"), "guess", "203.0.113.99, 198.51.100.9").expectStatus().isEqualTo(429);
        login(uniqueEmail("nobody"), "guess", "198.51.100.9").expectStatus().isEqualTo(429);
    }

    @Test
    void signUpsAndResetRequestsAreCountedPerClientAddress() {
        assertThat(meters.get(RateLimiter.REFUSALS_METRIC).tag("limit", "invitation-sending-per-organization").counter().count())
                .isZero();
        for (String path : List.of("/api/v1/auth/sign-up", "/api/v1/auth/password-reset")) {
            for (int i = 0; i < 3; i++) {
                assertThat(post(path, "198.51.100.4").returnResult(String.class).getStatus().value()).isNotEqualTo(429);
            }
            post(path, "198.51.100.4").expectStatus().isEqualTo(429).expectHeader().exists(HttpHeaders.RETRY_AFTER);
            assertThat(post(path, "198.51.100.5").returnResult(String.class).getStatus().value()).isNotEqualTo(429);
        }
    }

    @Test
    void refusedTokenRenewalsAreCountedLikeWrongPasswordsFromTheAddress() {
        TestUser bob = createUser("bob", List.of());
        String forged = bob.token().substring(0, bob.token().lastIndexOf('.') + 1) + "forged-signature";
        for (int i = 0; i < 5; i++) {
            renew(forged, "198.51.100.6").expectStatus().isUnauthorized();
        }
        // the bucket is empty: even a valid token is refused from that address, before it is checked
        renew(bob.token(), "198.51.100.6").expectStatus().isEqualTo(429)
                .expectHeader().valueMatches(HttpHeaders.RETRY_AFTER, "[1-9][0-9]*")
                .expectBody().jsonPath("$.code").isEqualTo("rate_limited").jsonPath("$.accessToken").doesNotExist();
        renew(bob.token(), "198.51.100.7").expectStatus().isOk().expectBody().jsonPath("$.accessToken").isNotEmpty();
        // a valid renewal is no failure: it never empties the bucket
        for (int i = 0; i < 6; i++) {
            renew(bob.token(), "198.51.100.8").expectStatus().isOk();
        }
    }

    private WebTestClient.ResponseSpec renew(String token, String client) {
        return web.post().uri("/api/v1/auth/token/renew").header("X-Forwarded-For", client)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    private WebTestClient.ResponseSpec login(String email, String password, String client) {
        return web.post().uri("/api/v1/auth/token").header("X-Forwarded-For", client).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password)).exchange();
    }

    private WebTestClient.ResponseSpec post(String path, String client) {
        return web.post().uri(path).header("X-Forwarded-For", client).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", uniqueEmail("someone"))).exchange();
    }
}
