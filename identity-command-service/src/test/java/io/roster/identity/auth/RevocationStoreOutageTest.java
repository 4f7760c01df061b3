package io.roster.identity.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.mongo.MongoConfiguration;
import io.roster.kit.mongo.MongoProperties;
import io.roster.kit.revocation.TokenRevocations;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.fault.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The revocation check during a MongoDB outage, with a real fault: the service's revocation store reaches MongoDB
 * through a {@link TcpProxy} that is then black-holed (a partition: nothing answers, nothing closes), with a 1 s read
 * timeout on that connection. The rest of the service keeps its MongoDB, so a token let through unchecked would show
 * as a created organization. A request with a valid token must get 503 {@code service_unavailable} with
 * {@code Retry-After}: not 401 (the client would log in again, which cannot help), and not the request done.
 */
@TestPropertySource(properties = "roster.auth.revocations.consumer-group=identity-revocations-outage-test-${random.uuid}")
@Import(RevocationStoreOutageTest.RevocationStoreBehindProxy.class)
@DirtiesContext
class RevocationStoreOutageTest extends IdentityHttpTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";
    private static final TcpProxy LINK = TcpProxy.start(0, "127.0.0.1", URI.create(EmbeddedInfrastructure.mongoUri()).getPort());
    private static MongoClient revocationStoreClient;

    /** The service's own TokenRevocations, on a MongoDB connection of its own through the proxy. */
    @TestConfiguration
    static class RevocationStoreBehindProxy {
        @Bean
        @Primary
        TokenRevocations revocationStoreBehindProxy(@Value("${roster.mongo.database}") String database) {
            revocationStoreClient = MongoClients.create(MongoConfiguration.settings(
                    new MongoProperties("mongodb://127.0.0.1:" + LINK.port(), database, Duration.ofSeconds(1))).build());
            return new TokenRevocations(revocationStoreClient.getDatabase(database));
        }
    }

    @AfterAll
    static void closeLink() {
        if (revocationStoreClient != null) {
            revocationStoreClient.close();
        }
        LINK.close();
    }

    @Test
    void whileTheRevocationStoreCannotBeReadATokenIsNeitherSentToLogInAgainNorLetThrough() {
        TestUser user = createUser("outage", List.of());
        post(user.token(), "/api/v1/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", NEW_PASSWORD))
                .expectStatus().isNoContent();
        String revoked = user.token();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                problem(post(revoked, "/api/v1/organizations", Map.of("name", "Old Session")), HttpStatus.UNAUTHORIZED, "unauthenticated"));
        // another user's token, not yet checked (a check is cached for a second per user, as it is meant to be)
        String valid = createUser("bystander", List.of()).token();
        assertThat(LINK.bytesForwarded()).as("the revocation store goes through the proxy").isPositive();

        LINK.blackhole();
        try {
            EntityExchangeResult<JsonNode> during = post(valid, "/api/v1/organizations", Map.of("name", "During The Outage"))
                    .expectBody(JsonNode.class).returnResult();
            assertThat(during.getStatus()).as(String.valueOf(during.getResponseBody())).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(during.getResponseBody().get("code").asText()).isEqualTo("service_unavailable");
            assertThat(during.getResponseHeaders().getContentType()).hasToString("application/problem+json");
            assertThat(during.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).matches("[1-9][0-9]*");

            // the revoked token: refused from the last second's record, then unavailable too; never let through
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                int status = post(revoked, "/api/v1/organizations", Map.of("name", "Old Session In The Outage"))
                        .expectBody(JsonNode.class).returnResult().getStatus().value();
                assertThat(status).isIn(401, 503);
                return status == 503;
            });
        } finally {
            LINK.heal();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                post(valid, "/api/v1/organizations", Map.of("name", "After The Outage")).expectStatus().isCreated());
        problem(post(revoked, "/api/v1/organizations", Map.of("name", "Old Session After")), HttpStatus.UNAUTHORIZED, "unauthenticated");
    }
}
