package io.roster.identity.auth;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.security.TokenSettings;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code POST /api/v1/auth/token/renew} as the console uses it (a valid token renews into a new token of the same
 * session and account) and as an attacker tries it: expired, forged, malformed and tampered tokens, a deleted account's,
 * one from before a password change, and a session older than the maximum age renew nothing. Each answer is written to
 * {@code target/token-renewal-*-report.txt}.
 */
// the revocation consumer in a group of this context's own (as TokenRevocationTest): in the default group, another test
// context of the same JVM may be handed the partition of the password change, and this one never hears of it
@TestPropertySource(properties = "roster.auth.revocations.consumer-group=identity-revocations-test-${random.uuid}")
class TokenRenewalTest extends IdentityHttpTest {

    private static final Duration REVOCATION_BUDGET = Duration.ofSeconds(5);
    private static final Duration MAX_SESSION_AGE = Duration.ofHours(12);

    @Autowired
    SigningKey signingKey;

    @Test
    void aValidTokenRenewsIntoANewTokenOfTheSameSessionAndAccountAndNeitherIsLogged() throws Exception {
        TestUser user = createUser("renewer", List.of());
        JWTClaimsSet original = claims(user.token());
        // every log event of the service while it renews, as logback hands them to its appenders (a capture of the
        // console stream sees nothing when the logging started before the capture, as in a full build)
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        Answer first;
        Answer second;
        try {
            first = renew(user.token());
            second = renew(first.token());
        } finally {
            root.detachAppender(logged);
        }
        String log = logged.list.stream().map(event -> event.getFormattedMessage() + " " + event.getMDCPropertyMap()
                + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage())).collect(Collectors.joining("\n"));
        JWTClaimsSet renewed = claims(first.token());
        JWTClaimsSet again = claims(second.token());
        int newTokenWorks = web.post().uri("/api/v1/organizations").headers(h -> h.setBearerAuth(second.token()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Renewed Session"))
                .exchange().returnResult(String.class).getStatus().value();
        String events = eventsOf(user.userId()).toString();
        List<String> report = List.of("first renewal: " + first.status() + " " + first.body().path("tokenType").asText()
                        + " expiresIn " + first.body().path("expiresIn").asLong(),
                "second renewal (of the renewed token): " + second.status(),
                "auth_time login/first/second: " + original.getClaim("auth_time") + " / " + renewed.getClaim("auth_time")
                        + " / " + again.getClaim("auth_time"),
                "iatMs login/first/second: " + original.getClaim(TokenSettings.ISSUED_AT_MILLIS_CLAIM) + " / "
                        + renewed.getClaim(TokenSettings.ISSUED_AT_MILLIS_CLAIM) + " / " + again.getClaim(TokenSettings.ISSUED_AT_MILLIS_CLAIM),
                "iat login/first/second: " + original.getIssueTime().toInstant() + " / " + renewed.getIssueTime().toInstant()
                        + " / " + again.getIssueTime().toInstant(),
                "the twice renewed token creates an organization: " + newTokenWorks,
                "log events while renewing: " + logged.list.size() + " (" + log.length() + " characters), user's events: "
                        + eventsOf(user.userId()).size());
        report("token-renewal-valid-report.txt", report);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(first.status()).as("renewal of the login token").isEqualTo(200);
        softly.assertThat(second.status()).as("renewal of the renewed token").isEqualTo(200);
        softly.assertThat(first.body().path("tokenType").asText()).as("tokenType").isEqualTo("Bearer");
        softly.assertThat(first.body().path("expiresIn").asLong()).as("expiresIn").isEqualTo(3600);
        softly.assertThat(first.token()).as("a new token").isNotEqualTo(user.token());
        for (JWTClaimsSet claims : List.of(renewed, again)) {
            softly.assertThat(claims.getSubject()).as("sub").isEqualTo(original.getSubject());
            softly.assertThat(claims.getClaim("email")).as("email").isEqualTo(original.getClaim("email"));
            softly.assertThat(claims.getClaim("providerRoles")).as("providerRoles").isEqualTo(original.getClaim("providerRoles"));
            softly.assertThat(claims.getIssuer()).as("iss").isEqualTo(original.getIssuer());
            softly.assertThat(claims.getAudience()).as("aud").isEqualTo(original.getAudience());
            softly.assertThat(claims.getClaim("auth_time")).as("auth_time is the sign-in's").isNotNull().isEqualTo(original.getClaim("auth_time"));
            softly.assertThat(claims.getClaim(TokenSettings.ISSUED_AT_MILLIS_CLAIM)).as("iatMs is the sign-in's")
                    .isEqualTo(original.getClaim(TokenSettings.ISSUED_AT_MILLIS_CLAIM));
            softly.assertThat(claims.getJWTID()).as("jti").isNotEqualTo(original.getJWTID());
            softly.assertThat(claims.getExpirationTime()).as("exp").isAfterOrEqualTo(original.getExpirationTime());
        }
        softly.assertThat(original.getClaim("auth_time")).as("login sets auth_time to its iat")
                .isEqualTo(original.getIssueTime().toInstant().getEpochSecond());
        softly.assertThat(newTokenWorks).as("the renewed token is accepted").isEqualTo(201);
        softly.assertThat(log).as("the renewals are logged, by user id").contains("renewed a token of user " + user.userId());
        for (String token : List.of(user.token(), first.token(), second.token())) {
            softly.assertThat(log).as("the log holds no raw token").doesNotContain(token).doesNotContain(signatureOf(token));
            softly.assertThat(events).as("no event holds a raw token").doesNotContain(token).doesNotContain(signatureOf(token));
        }
        softly.assertAll();
    }

    @Test
    void expiredForgedMalformedAndTamperedTokensRenewNothing() throws Exception {
        TestUser user = createUser("attacker", List.of());
        String real = user.token();
        RSAKey key = signingKey.privateKey();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        String[] parts = real.split("\\.");
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("control: the real token's claims signed again by the real key", Resigned.unchanged(real, key));
        tokens.put("expired a minute past the clock skew", Resigned.token(real, key, key.getKeyID(),
                c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120)))));
        tokens.put("signed by an unpublished key under the real kid", Resigned.token(real, stranger, key.getKeyID(), c -> c));
        tokens.put("another user's subject under the original signature", parts[0] + "."
                + claimsOf(Resigned.token(real, stranger, "x", c -> c.subject(UUID.randomUUID().toString()))) + "." + parts[2]);
        tokens.put("signature cut off", parts[0] + "." + parts[1] + ".");
        tokens.put("not a JWT", "not-a-jwt");

        Map<String, Answer> answers = new LinkedHashMap<>();
        tokens.forEach((name, token) -> answers.put(name, renew(token)));
        answers.put("no Authorization header", new Answer(web.post().uri(TokenRenewalController.RENEW_PATH).exchange()
                .expectBody(JsonNode.class).returnResult()));
        List<String> report = new ArrayList<>();
        answers.forEach((name, answer) -> report.add(answer.status() + " " + answer.body().path("code").asText("(token)") + "  " + name));
        report("token-renewal-refused-report.txt", report);

        SoftAssertions softly = new SoftAssertions();
        answers.forEach((name, answer) -> {
            if (name.startsWith("control")) {
                softly.assertThat(answer.status()).as(name).isEqualTo(200);
            } else {
                softly.assertThat(answer.status()).as(name).isEqualTo(401);
                softly.assertThat(answer.body().path("code").asText()).as(name).isEqualTo("unauthenticated");
                softly.assertThat(answer.body().has("accessToken")).as("no token for " + name).isFalse();
            }
        });
        softly.assertAll();
    }

    @Test
    void aDeletedAccountRenewsNothingAtOnce() {
        TestUser user = createUser("deleted", List.of());
        Answer before = renew(user.token());
        delete(adminToken(), "/api/v1/users/" + user.userId()).expectStatus().is2xxSuccessful();
        // at once: the account is read, the revocation record (which may lag up to 5 s) is not waited for
        Answer after = renew(user.token());
        Answer renewedAfter = renew(before.token());
        report("token-renewal-deleted-report.txt", List.of(
                "before the deletion: " + before.status(),
                "right after the deletion, the login token: " + after.status() + " " + after.body().path("code").asText(),
                "right after the deletion, the renewed token: " + renewedAfter.status() + " " + renewedAfter.body().path("code").asText()));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(before.status()).as("renewal before the deletion").isEqualTo(200);
        for (Answer answer : List.of(after, renewedAfter)) {
            softly.assertThat(answer.status()).as("renewal after the deletion").isEqualTo(401);
            softly.assertThat(answer.body().path("code").asText()).as("code after the deletion").isEqualTo("unauthenticated");
            softly.assertThat(answer.body().has("accessToken")).as("no token after the deletion").isFalse();
        }
        softly.assertAll();
    }

    /**
     * The stretch attack: a stolen token renewed in the moments after the owner changed the password (before the
     * revocation record heard of it) must not yield a token that outlives the change.
     */
    @Test
    void aSessionFromBeforeAPasswordChangeRenewsNothingAndItsRenewedTokensDieWithIt() {
        TestUser user = createUser("changer", List.of());
        post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", "a brand new passphrase"))
                .expectStatus().isNoContent();
        Instant changed = Instant.now();
        Answer raced = renew(user.token());
        Awaitility.await().atMost(REVOCATION_BUDGET).pollInterval(Duration.ofMillis(100))
                .until(() -> renew(user.token()).status() == 401);
        Duration refusedAfter = Duration.between(changed, Instant.now());
        Answer oldToken = renew(user.token());
        Answer racedRenewal = raced.status() == 200 ? renew(raced.token()) : null;
        Answer fresh = renew(login(user.email(), "a brand new passphrase"));
        report("token-renewal-password-report.txt", List.of(
                "renewal right after the change (racing the revocation record): " + raced.status(),
                "the login token's renewal refused " + refusedAfter.toMillis() + " ms after the change: " + oldToken.status()
                        + " " + oldToken.body().path("code").asText(),
                "the raced renewal's token renewed again: " + (racedRenewal == null ? "(no raced token)"
                        : racedRenewal.status() + " " + racedRenewal.body().path("code").asText()),
                "a token of a sign-in after the change: " + fresh.status()));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(oldToken.status()).as("the login token after the change").isEqualTo(401);
        softly.assertThat(oldToken.body().path("code").asText()).as("its code").isEqualTo("unauthenticated");
        if (racedRenewal != null) {
            softly.assertThat(racedRenewal.status()).as("a token renewed after the change from a session before it").isEqualTo(401);
        }
        softly.assertThat(fresh.status()).as("a session signed in after the change renews").isEqualTo(200);
        softly.assertAll();
    }

    @Test
    void aSessionOlderThanTheMaximumAgeIsNotRenewedAndTheRolesAreTheAccountsNow() throws Exception {
        TestUser user = createUser("longsession", List.of());
        RSAKey key = signingKey.privateKey();
        long now = Instant.now().getEpochSecond();
        String tooOld = Resigned.token(user.token(), key, key.getKeyID(),
                c -> c.claim("auth_time", now - MAX_SESSION_AGE.toSeconds() - 60));
        String almost = Resigned.token(user.token(), key, key.getKeyID(),
                c -> c.claim("auth_time", now - MAX_SESSION_AGE.toSeconds() + 60));
        put(adminToken(), "/api/v1/users/" + user.userId() + "/provider-roles", Map.of("providerRoles", List.of("provider-admin")))
                .expectStatus().isOk();
        Answer refused = renew(tooOld);
        Answer renewed = renew(almost);
        JWTClaimsSet claims = renewed.status() == 200 ? claims(renewed.token()) : new JWTClaimsSet.Builder().build();
        report("token-renewal-age-report.txt", List.of(
                "signed in 12 h 1 min ago: " + refused.status() + " " + refused.body().path("code").asText(),
                "signed in 11 h 59 min ago: " + renewed.status() + ", auth_time " + claims.getClaim("auth_time")
                        + ", providerRoles " + claims.getClaim("providerRoles")));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(refused.status()).as("a session past the maximum age").isEqualTo(401);
        softly.assertThat(refused.body().path("code").asText()).as("its code").isEqualTo("session_too_old");
        softly.assertThat(refused.body().has("accessToken")).as("no token for a too old session").isFalse();
        softly.assertThat(renewed.status()).as("a session just within the maximum age").isEqualTo(200);
        softly.assertThat(claims.getClaim("auth_time")).as("its auth_time is kept")
                .isEqualTo(now - MAX_SESSION_AGE.toSeconds() + 60);
        softly.assertThat(claims.getStringListClaim("providerRoles")).as("roles looked up as at login")
                .containsExactly("provider-admin");
        softly.assertAll();
    }

    /** A renewal's status, problem or token body. */
    record Answer(int status, JsonNode body) {
        Answer(EntityExchangeResult<JsonNode> result) {
            this(result.getStatus().value(), result.getResponseBody() == null ? MissingNode.getInstance()
                    : result.getResponseBody());
        }

        String token() {
            return body.path("accessToken").asText();
        }
    }

    private Answer renew(String token) {
        return new Answer(web.post().uri(TokenRenewalController.RENEW_PATH).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectBody(JsonNode.class).returnResult());
    }

    private static void report(String name, List<String> lines) {
        try {
            OpenIdDiscoveryTest.write(name, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JWTClaimsSet claims(String token) throws ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    private static String claimsOf(String token) {
        return token.split("\\.")[1];
    }

    private static String signatureOf(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }
}
