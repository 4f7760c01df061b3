package io.roster.kit.idempotency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.events.ProblemCode;
import io.roster.kit.web.ProblemWebExceptionHandler;
import io.roster.kit.web.ProblemWriter;
import io.roster.kit.web.RuleViolation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter over a real (embedded) Mongo-wire server, in front of a handler that counts its runs. */
class IdempotencyFilterTest {

    private MongoServer server;
    private MongoClient client;
    private final AtomicInteger runs = new AtomicInteger();
    private volatile Duration handlerDelay = Duration.ZERO;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private WebTestClient web(Duration wait) {
        IdempotencyProperties properties = new IdempotencyProperties(true, "idempotency-keys", Duration.ofHours(24), wait,
                Duration.ofSeconds(60), List.of("/excluded"));
        IdempotencyFilter filter = new IdempotencyFilter(
                new IdempotencyStore(client.getDatabase("kit-test"), properties, Clock.systemUTC()), properties, 1024 * 1024);
        RouterFunction<ServerResponse> routes = RouterFunctions.route()
                .POST("/things", request -> request.bodyToMono(Map.class)
                        .delayElement(handlerDelay.isZero() ? Duration.ofMillis(1) : handlerDelay)
                        .flatMap(body -> {
                            if ("refuse".equals(body.get("name"))) {
                                runs.incrementAndGet();
                                return Mono.error(new RuleViolation(ProblemCode.ALREADY_MEMBER, "refused"));
                            }
                            int run = runs.incrementAndGet();
                            return ServerResponse.created(URI.create("/things/" + run))
                                    .header("Consistency-Token", "token-" + run)
                                    .contentType(MediaType.APPLICATION_JSON)
                                    .bodyValue(Map.of("run", run, "name", body.get("name")));
                        }))
                .POST("/excluded", request -> ServerResponse.ok().bodyValue(Map.of("run", runs.incrementAndGet())))
                .build();
        return WebTestClient.bindToRouterFunction(routes)
                .handlerStrategies(HandlerStrategies.builder()
                        .exceptionHandler(new ProblemWebExceptionHandler(new ProblemWriter(new ObjectMapper()))).build())
                .webFilter(filter)
                .configureClient().responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    private EntityExchangeResult<byte[]> post(WebTestClient web, String path, String key, String name) {
        return web.post().uri(path)
                .headers(h -> {
                    if (key != null) {
                        h.set(IdempotencyFilter.HEADER, key);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name))
                .exchange()
                .expectBody().returnResult();
    }

    @Test
    void aRetryWithTheSameKeyAndBodyGetsTheFirstResponseAndRunsNothing() {
        WebTestClient web = web(Duration.ofSeconds(5));
        String key = UUID.randomUUID().toString();
        var first = post(web, "/things", key, "a");
        var second = post(web, "/things", key, "a");

        assertThat(runs).hasValue(1);
        assertThat(first.getStatus()).isEqualTo(HttpStatus.CREATED);
        assertThat(second.getStatus()).isEqualTo(HttpStatus.CREATED);
        assertThat(second.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(second.getResponseHeaders().getFirst("Consistency-Token")).isEqualTo("token-1");
        assertThat(second.getResponseHeaders().getLocation()).isEqualTo(URI.create("/things/1"));
        assertThat(second.getResponseHeaders().getFirst(IdempotencyFilter.REPLAYED_HEADER)).isEqualTo("true");
        assertThat(first.getResponseHeaders().getFirst(IdempotencyFilter.REPLAYED_HEADER)).isNull();
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedAndRunsNothing() {
        WebTestClient web = web(Duration.ofSeconds(5));
        String key = UUID.randomUUID().toString();
        post(web, "/things", key, "a");
        var reused = post(web, "/things", key, "b");

        assertThat(reused.getStatus()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(new String(reused.getResponseBody())).contains("\"code\":\"idempotency_key_reused\"");
        assertThat(runs).hasValue(1);
    }

    @Test
    void withoutAKeyOrOnAnExcludedPathEveryRequestRuns() {
        WebTestClient web = web(Duration.ofSeconds(5));
        post(web, "/things", null, "a");
        post(web, "/things", null, "a");
        post(web, "/excluded", "k", "a");
        post(web, "/excluded", "k", "a");
        assertThat(runs).hasValue(4);
    }

    @Test
    void keysAreScopedByPath() {
        WebTestClient web = web(Duration.ofSeconds(5));
        post(web, "/things", "same", "a");
        var other = post(web, "/things?dryRun=true", "same", "a");
        assertThat(other.getStatus()).isEqualTo(HttpStatus.CREATED);
        assertThat(runs).hasValue(2);
    }

    @Test
    void aRefusedRequestGivesTheKeyBackSoARetryRunsAgain() {
        WebTestClient web = web(Duration.ofSeconds(5));
        var refused = post(web, "/things", "k1", "refuse");
        var again = post(web, "/things", "k1", "refuse");
        assertThat(refused.getStatus()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(again.getStatus()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(again.getResponseHeaders().getFirst(IdempotencyFilter.REPLAYED_HEADER)).isNull();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aBadKeyIsAValidationError() {
        WebTestClient web = web(Duration.ofSeconds(5));
        var bad = post(web, "/things", "x".repeat(256), "a");
        assertThat(bad.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(new String(bad.getResponseBody())).contains("\"field\":\"Idempotency-Key\"");
        assertThat(runs).hasValue(0);
    }

    @Test
    void concurrentDuplicatesRunOnceAndTheLoserReplaysTheWinnersAnswer() {
        handlerDelay = Duration.ofMillis(400);
        WebTestClient web = web(Duration.ofSeconds(5));
        String key = UUID.randomUUID().toString();
        var first = CompletableFuture.supplyAsync(() -> post(web, "/things", key, "a"));
        var second = CompletableFuture.supplyAsync(() -> post(web, "/things", key, "a"));

        assertThat(List.of(first.join().getStatus(), second.join().getStatus())).containsOnly(HttpStatus.CREATED);
        assertThat(first.join().getResponseBody()).isEqualTo(second.join().getResponseBody());
        assertThat(runs).hasValue(1);
    }

    @Test
    void aDuplicateThatWaitsTooLongGetsAConflictWithARetryHint() {
        handlerDelay = Duration.ofMillis(1500);
        WebTestClient web = web(Duration.ofMillis(100));
        String key = UUID.randomUUID().toString();
        var first = CompletableFuture.supplyAsync(() -> post(web, "/things", key, "a"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> client.getDatabase("kit-test").getCollection("idempotency-keys").countDocuments() == 1);
        var second = post(web, "/things", key, "a");

        assertThat(second.getStatus()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(new String(second.getResponseBody())).contains("\"code\":\"conflict\"");
        assertThat(second.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(first.join().getStatus()).isEqualTo(HttpStatus.CREATED);
        assertThat(runs).hasValue(1);
    }
}
