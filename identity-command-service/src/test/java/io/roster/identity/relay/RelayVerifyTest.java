package io.roster.identity.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.roster.events.Topics;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's relay check, {@code GET}/{@code POST /api/v1/admin/relay/verify}: it compares the event store with
 * the topic itself, so it also finds an event the relay's bookkeeping cannot, one the relay of an earlier version
 * passed over (stored without the outbox flag, behind the tracking processor), and publishes it again. The sweep is
 * off here (the context of {@link AggregateOrderRelayTest}), so nothing else would.
 */
@TestPropertySource(properties = "roster.relay.sweep-interval=PT1H")
class RelayVerifyTest extends RelayHttpTest {

    private static final String VERIFY = "/api/v1/admin/relay/verify";

    @Test
    void findsAStoredEventMissingFromTheTopicAndPublishesItAgain() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Lost Event Ltd");
        awaitSequences(organization, List.of(0L, 1L));
        Instant relayed = relayMovesPastNow(admin);
        storage.appendEvents(renamed(organization, 2, relayed.minusSeconds(5), "Never published"));
        // as the relay before the outbox flags left such an event: stored, passed over, and nothing says so
        mongo.getCollection("domainevents").updateOne(Filters.and(Filters.eq("aggregateIdentifier", organization.toString()),
                Filters.eq("sequenceNumber", 2L)), Updates.unset("relayPending"));

        JsonNode report = body(get(admin, VERIFY + "?limit=5").expectStatus().isOk());
        assertThat(report.path("topics").toString()).isEqualTo("[\"" + Topics.IDENTITY + "\"]");
        assertThat(report.path("storedEvents").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(report.path("recordsRead").asLong()).isGreaterThanOrEqualTo(4);
        JsonNode difference = differenceOf(report, organization);
        assertThat(difference).as(report.toString()).isNotNull();
        assertThat(difference.path("stored").asLong()).isEqualTo(3);
        assertThat(difference.path("published").asLong()).isEqualTo(2);
        assertThat(difference.path("missing").asLong()).isEqualTo(1);
        JsonNode missing = difference.path("firstMissing").get(0);
        assertThat(missing.path("sequence").asLong()).isEqualTo(2);
        assertThat(missing.path("type").asText()).isEqualTo("OrganizationRenamed");
        assertThat(missing.path("waiting").asBoolean()).as("the relay does not know of it").isFalse();
        assertThat(firstOccurrences(organization.toString())).as("a check changes nothing").containsExactly(0L, 1L);

        JsonNode republished = body(post(admin, VERIFY, Map.of()).expectStatus().isOk());
        assertThat(republished.path("republished").asLong()).as(republished.toString()).isGreaterThanOrEqualTo(1);
        awaitSequences(organization, List.of(0L, 1L, 2L));
        await("the check finds nothing missing of it").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(differenceOf(body(get(admin, VERIFY).expectStatus().isOk()), organization)).isNull());
    }

    @Test
    void onlyProviderAdminsCheckTheRelayAndTheLimitIsAWholeNumberFrom1To100() {
        UUID organization = createOrganization(adminToken(), "Members Only");
        String member = createMember(organization, "admin").token();
        problem(get(member, VERIFY), HttpStatus.FORBIDDEN, "forbidden");
        problem(post(member, VERIFY, Map.of()), HttpStatus.FORBIDDEN, "forbidden");
        problem(web.get().uri(VERIFY).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");
        String admin = adminToken();
        for (String limit : List.of("0", "101", "ten", "")) {
            JsonNode problem = problem(get(admin, VERIFY + "?limit=" + limit), HttpStatus.BAD_REQUEST, "validation_failed");
            assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("limit");
        }
        problem(post(admin, VERIFY + "?limit=0", Map.of()), HttpStatus.BAD_REQUEST, "validation_failed");
    }

    private WebTestClient.ResponseSpec get(String token, String uri) {
        return web.get().uri(uri).headers(h -> h.setBearerAuth(token)).exchange();
    }

    private static JsonNode differenceOf(JsonNode report, UUID aggregate) {
        return StreamSupport.stream(report.path("differences").spliterator(), false)
                .filter(d -> d.path("aggregateId").asText().equals(aggregate.toString())).findFirst().orElse(null);
    }
}
