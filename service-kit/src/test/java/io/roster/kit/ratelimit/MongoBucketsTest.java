package io.roster.kit.ratelimit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.roster.kit.web.TooManyRequests;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Bucket4j adapter over a real Mongo-wire server: what two replicas on one database see. */
class MongoBucketsTest {

    private MongoServer server;
    private MongoClient client;
    private MongoDatabase database;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        database = client.getDatabase("rate-limits");
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private RateLimiter replica(long capacity, Duration period, SimpleMeterRegistry meters) {
        RateLimitProperties properties = new RateLimitProperties(true, "buckets", List.of(),
                Map.of("guesses", new RateLimitProperties.Limit(capacity, period)), List.of());
        return new RateLimiter(new MongoBuckets(database.getCollection("buckets")), properties, meters);
    }

    @Test
    void twoReplicasRacingOnOneBucketSpendExactlyItsCapacity() throws Exception {
        RateLimiter a = replica(40, Duration.ofHours(1), new SimpleMeterRegistry());
        RateLimiter b = replica(40, Duration.ofHours(1), new SimpleMeterRegistry());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                RateLimiter replica = i % 2 == 0 ? a : b;
                attempts.add(pool.submit((Callable<Boolean>) () -> {
                    try {
                        replica.spend("guesses", "203.0.113.7", 1);
                        return true;
                    } catch (TooManyRequests refused) {
                        return false;
                    }
                }));
            }
            long granted = 0;
            for (Future<Boolean> attempt : attempts) {
                granted += attempt.get() ? 1 : 0;
            }
            assertThat(granted).isEqualTo(40);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEmptyBucketRefusesWithRetryAfterAndRefillsByItself() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RateLimiter limiter = replica(2, Duration.ofSeconds(2), meters);
        assertThat(meters.get(RateLimiter.REFUSALS_METRIC).tag("limit", "guesses").counter().count()).isZero();

        limiter.recordFailure("guesses", "ann@acme.test");
        limiter.requireAvailable("guesses", "ann@acme.test");
        limiter.recordFailure("guesses", "ann@acme.test");
        assertThatThrownBy(() -> limiter.requireAvailable("guesses", "ann@acme.test"))
                .isInstanceOfSatisfying(TooManyRequests.class, refused -> {
                    assertThat(refused.code()).isEqualTo("rate_limited");
                    assertThat(refused.retryAfterSeconds()).isBetween(1L, 2L);
                });
        assertThat(meters.get(RateLimiter.REFUSALS_METRIC).tag("limit", "guesses").counter().count()).isEqualTo(1);
        limiter.requireAvailable("guesses", "bob@acme.test"); // another key, another bucket

        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(TooManyRequests.class)
                .untilAsserted(() -> limiter.requireAvailable("guesses", "ann@acme.test"));
    }

    @Test
    void bucketsAreStoredUnderHashedKeysAndExpireOnceFull() {
        RateLimiter limiter = replica(5, Duration.ofMinutes(1), new SimpleMeterRegistry());
        limiter.spend("guesses", "ann@acme.test", 1);

        MongoCollection<Document> buckets = database.getCollection("buckets");
        Document bucket = buckets.find().first();
        assertThat(bucket.getString("_id")).startsWith("guesses:").doesNotContain("ann");
        // full again after the 12 s it takes to refill one token, kept one more minute: gone by the TTL index then
        assertThat(bucket.getDate("expiresAt").getTime() - System.currentTimeMillis())
                .isBetween(Duration.ofSeconds(60).toMillis(), Duration.ofSeconds(80).toMillis());
        assertThat(buckets.listIndexes().into(new ArrayList<>()))
                .anySatisfy(index -> assertThat(index.get("expireAfterSeconds")).isNotNull());
    }

    @Test
    void aRequestForMoreThanTheCapacityIsRefusedWhole() {
        RateLimiter limiter = replica(10, Duration.ofHours(1), new SimpleMeterRegistry());
        assertThatThrownBy(() -> limiter.spend("guesses", "org", 11)).isInstanceOf(TooManyRequests.class);
        limiter.spend("guesses", "org", 10);
    }
}
