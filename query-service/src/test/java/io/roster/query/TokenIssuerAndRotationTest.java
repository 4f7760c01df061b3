package io.roster.query;

import io.roster.testsupport.TestTokenIssuer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * A service (the query service, through service-kit's SecurityConfiguration) against the tokens an attacker would
 * try, and through a key rotation. It accepts only tokens whose {@code iss} is exactly the configured issuer and
 * whose signature checks with the JWKS key named by their {@code kid}; a key added to the JWKS later is found without
 * a restart, because a token naming an unknown kid makes the service fetch the JWKS again (at most once per
 * {@code roster.auth.jwks-min-refetch-interval}: {@link AbstractServiceTest} sets it to 1 s instead of 30 s, so that the
 * attacker's tokens just before do not make the published next key wait half a minute).
 */
class TokenIssuerAndRotationTest extends AbstractServiceTest {

    private static final Logger log = LoggerFactory.getLogger(TokenIssuerAndRotationTest.class);
    private static final String PROTECTED = "/api/v1/organizations";

    private final TestTokenIssuer issuer = TestTokenIssuer.get();
    private final UUID user = UUID.randomUUID();
    private final String email = user + "@example.io";

    @Test
    void onlyTheConfiguredIssuerAndPublishedKeysAreAcceptedAndANewKeyIsFoundWithoutARestart() throws IOException {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        statuses.put("control: the issuer's own token", status(issuer.tokenFor(user, email, List.of())));
        statuses.put("iss https://evil.example", status(issuer.tokenFromIssuer("https://evil.example", user, email)));
        statuses.put("iss with a trailing slash", status(issuer.tokenFromIssuer(issuer.issuer() + "/", user, email)));
        statuses.put("iss roster-identity (before the issuer URL)", status(issuer.tokenFromIssuer("roster-identity", user, email)));
        statuses.put("unpublished key under the published kid", status(issuer.forgedTokenUnderThePublishedKeyId(user, email)));
        int fetchesBefore = issuer.jwksFetches();
        statuses.put("unpublished key under an unknown kid", status(TestTokenIssuer.tokenSignedByAnotherKey(user, email)));
        int fetchesAfterUnknownKid = issuer.jwksFetches();

        TestTokenIssuer.NextKey next = issuer.nextKey();
        String nextToken = next.tokenFor(user, email);
        statuses.put("next key before it is published", status(nextToken));
        next.publish();
        // found by the next fetch the rate limit allows: within a second here
        statuses.put("next key once published", await().atMost(Duration.ofSeconds(10))
                .until(() -> status(nextToken), status -> status == 200));
        int fetchesAfterPublish = issuer.jwksFetches();
        statuses.put("first key while both are published", status(issuer.tokenFor(user, email, List.of())));
        statuses.put("next key, again", status(next.tokenFor(user, email)));
        int fetchesAtEnd = issuer.jwksFetches();

        List<String> report = new ArrayList<>();
        report.add("issuer " + issuer.issuer() + ", next kid " + next.keyId());
        statuses.forEach((name, status) -> report.add(status + "  " + name));
        report.add("JWKS fetches: " + fetchesBefore + " before the unknown kid, " + fetchesAfterUnknownKid
                + " after it, " + fetchesAfterPublish + " after it was published, " + fetchesAtEnd + " at the end");
        report.forEach(line -> log.info("{}", line));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "token-issuer-rotation-report.txt"), report);

        SoftAssertions softly = new SoftAssertions();
        statuses.forEach((name, status) -> softly.assertThat(status).as("GET %s with %s", PROTECTED, name)
                .isEqualTo(name.startsWith("control") || name.startsWith("next key once") || name.startsWith("first key")
                        || name.startsWith("next key, again") ? 200 : 401));
        softly.assertThat(fetchesAfterUnknownKid - fetchesBefore).as("JWKS fetched again for an unknown kid").isPositive();
        softly.assertThat(fetchesAtEnd - fetchesAfterPublish).as("no fetch once both keys are known").isZero();
        softly.assertAll();
    }

    private int status(String token) {
        return web.get().uri(PROTECTED).headers(h -> h.setBearerAuth(token)).exchange()
                .returnResult(String.class).getStatus().value();
    }
}
