package io.roster.query;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The service on the embedded Kafka broker and MongoDB-wire server, driven as in production: events
 * produced to the topics with the CloudEvents codec, reads over HTTP with a bearer token. Every service
 * test class extends this and declares nothing of its own, so Spring builds one context for all of them;
 * tests keep apart by using fresh organization and user ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
public abstract class AbstractServiceTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        EmbeddedInfrastructure.register(registry, "query");
        TestTokenIssuer.register(registry);
        // TokenIssuerAndRotationTest publishes a new key right after tokens naming unknown ones: with the 30 s default
        // it would wait half a minute for the next early JWKS fetch. Here, not in that class, so that every class
        // shares one application context (a second one would share the consumer groups but not the database)
        registry.add("roster.auth.jwks-min-refetch-interval", () -> "PT1S");
    }

    @Autowired
    protected WebTestClient web;

    /**
     * Longer than the consistency wait (5 s): a token not reached answers Consistency-Reached: false, which the tests
     * assert, instead of the client giving up first on a slow machine. (The server-bound client, mutated: an
     * {@code @AutoConfigureWebTestClient} would bind it to the application context, with no HTTP in between.)
     */
    @BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }
    @Autowired
    protected KafkaTemplate<String, byte[]> kafka;

    protected final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    protected final EventLog log = new EventLog();
    private final Map<String, Long> published = new HashMap<>();

    /**
     * Produces the events in order. Returns a Consistency-Token of everything this test published so far:
     * events of different aggregates travel on different partitions, so only a token naming every one of
     * them guarantees a read sees them all.
     */
    protected String publish(EventEnvelope... events) {
        for (EventEnvelope event : events) {
            kafka.send(codec.encode(event)).join();
            published.merge(event.aggregateId(), event.sequenceNumber(), Math::max);
        }
        return new ConsistencyToken(published).encode();
    }

    protected static String tokenOf(UUID user) {
        return TestTokenIssuer.get().tokenFor(user, user + "@example.io", List.of());
    }

    protected static String providerAdminToken() {
        return TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.local", List.of("provider-admin"));
    }

    /** A GET as {@code bearer} that waits for {@code consistency} and insists it was reached. */
    protected WebTestClient.ResponseSpec get(String bearer, String consistency, String uri, Object... variables) {
        WebTestClient.ResponseSpec response = web.get().uri(uri, variables)
                .headers(h -> h.setBearerAuth(bearer))
                .headers(h -> {
                    if (consistency != null) {
                        h.set(ConsistencyToken.HEADER, consistency);
                    }
                })
                .exchange();
        if (consistency != null) {
            response.expectHeader().valueEquals("Consistency-Reached", "true");
        }
        return response;
    }
}
