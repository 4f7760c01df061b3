package io.roster.kit.idempotency;

import io.roster.events.ProblemCode;
import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.web.ApiProblem;
import org.reactivestreams.Publisher;
import io.roster.kit.web.DataBuffers;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on every state-changing POST (PRODUCT.md §2), for any controller, with no code in it.
 *
 * <ul>
 *   <li>The key is scoped by caller (the token's subject, or {@code anonymous}), method and path with query:
 *       two callers never see each other's answers.</li>
 *   <li>The first request with a key runs and its response (status, headers such as {@code Location} and
 *       {@code Consistency-Token}, body) is stored before it is written to the client.</li>
 *   <li>A repeat with the same body gets that response again, with {@code Idempotent-Replayed: true}, and
 *       changes nothing; a repeat with another body gets 409 {@code idempotency_key_reused}.</li>
 *   <li>Concurrent duplicates never both run: a unique insert decides; the loser waits up to
 *       {@code roster.idempotency.duplicate-wait} for the first answer and replays it, or gets 409 {@code conflict} with
 *       {@code Retry-After}.</li>
 *   <li>A request that fails (an error, a 5xx) gives the key back, so retrying it runs it again: only answers
 *       that reflect a completed operation are remembered.</li>
 * </ul>
 * Only hashes are stored of the request: the scope's and the body's (the latter keyed with the raw key, which
 * is not stored, so a leaked record reveals nothing of a body holding a password).
 * Runs after Spring Security (it needs the caller), so unauthenticated requests never reach it.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** After Spring Security's filter chain (-100), before everything else. */
    public static final int ORDER = 0;

    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Duration FIRST_POLL = Duration.ofMillis(25);
    private static final Duration MAX_POLL = Duration.ofMillis(250);
    /** Not replayed: they describe the connection or this exchange, not the operation's result. */
    private static final Set<String> NOT_STORED = Set.of("content-length", "transfer-encoding", "connection", "date",
            "set-cookie", CorrelationId.HEADER.toLowerCase(Locale.ROOT), REPLAYED_HEADER.toLowerCase(Locale.ROOT));

    private final IdempotencyStore store;
    private final IdempotencyProperties properties;
    private final long maxBodyBytes;

    public IdempotencyFilter(IdempotencyStore store, IdempotencyProperties properties, long maxBodyBytes) {
        this.store = store;
        this.properties = properties;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String key = request.getHeaders().getFirst(HEADER);
        if (key == null || !HttpMethod.POST.equals(request.getMethod())
                || properties.excludedPaths().contains(request.getPath().pathWithinApplication().value())
                || request.getHeaders().getContentLength() > maxBodyBytes) {
            return chain.filter(exchange);
        }
        if (!VALID_KEY.matcher(key).matches()) {
            return Mono.error(ApiProblem.validation(List.of(
                    new ApiProblem.FieldProblem(HEADER, "must be 1 to 255 visible ASCII characters"))));
        }
        return caller()
                .zipWith(DataBufferUtils.join(request.getBody(), (int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
                        .map(DataBuffers::drain)
                        .defaultIfEmpty(new byte[0]))
                .flatMap(callerAndBody -> {
                    byte[] body = callerAndBody.getT2();
                    String scope = sha256((callerAndBody.getT1() + "\n" + request.getMethod().name() + " "
                            + request.getURI().getRawPath() + "?" + nullToEmpty(request.getURI().getRawQuery()) + "\n" + key)
                            .getBytes(StandardCharsets.UTF_8));
                    // bound to the raw key, which is never stored: a stolen record cannot be used to guess a body's secrets
                    String requestHash = sha256(concat((key + "\n").getBytes(StandardCharsets.UTF_8), body));
                    return decide(scope, requestHash, System.nanoTime())
                            .flatMap(decision -> act(decision, exchange, chain, body));
                });
    }

    private Mono<IdempotencyStore.Decision> decide(String scope, String requestHash, long startedNanos) {
        return blocking(() -> store.claim(scope, requestHash))
                .flatMap(decision -> {
                    if (!(decision instanceof IdempotencyStore.InProgress)) {
                        return Mono.just(decision);
                    }
                    long waited = System.nanoTime() - startedNanos;
                    if (waited >= properties.duplicateWait().toNanos()) {
                        return Mono.just(decision);
                    }
                    Duration pause = Duration.ofNanos(Math.min(MAX_POLL.toNanos(), Math.max(FIRST_POLL.toNanos(), waited / 2)));
                    return Mono.delay(pause).then(Mono.defer(() -> decide(scope, requestHash, startedNanos)));
                });
    }

    private Mono<Void> act(IdempotencyStore.Decision decision, ServerWebExchange exchange, WebFilterChain chain, byte[] body) {
        if (decision instanceof IdempotencyStore.Claimed claimed) {
            return run(claimed, exchange, chain, body);
        }
        if (decision instanceof IdempotencyStore.Replay replay) {
            return replay(exchange.getResponse(), replay.response());
        }
        if (decision instanceof IdempotencyStore.Reused) {
            return Mono.error(new ApiProblem(ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used with another request body; use a new key for a new request."));
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return Mono.error(new ApiProblem(ProblemCode.CONFLICT,
                "A request with this Idempotency-Key is still being processed; retry shortly with the same key."));
    }

    private Mono<Void> run(IdempotencyStore.Claimed claim, ServerWebExchange exchange, WebFilterChain chain, byte[] body) {
        AtomicBoolean settled = new AtomicBoolean();
        ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
            }
        };
        ServerHttpResponse response = new RecordingResponse(exchange.getResponse(), claim, settled);
        return chain.filter(exchange.mutate().request(request).response(response).build())
                .then(Mono.defer(() -> settled.compareAndSet(false, true)
                        ? blocking(() -> {
                            store.release(claim);
                            return true;
                        }).then()
                        : Mono.empty()))
                .onErrorResume(error -> (settled.compareAndSet(false, true)
                        ? blocking(() -> {
                            store.release(claim);
                            return true;
                        }).then()
                        : Mono.<Void>empty())
                        .then(Mono.error(error)));
    }

    private static Mono<Void> replay(ServerHttpResponse response, IdempotencyStore.StoredResponse stored) {
        response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
        stored.headers().forEach((name, values) -> response.getHeaders().put(name, values));
        response.getHeaders().set(REPLAYED_HEADER, "true");
        if (stored.body().length == 0) {
            return response.setComplete();
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(stored.body())));
    }

    /** Stores the response before it reaches the client, so a duplicate arriving after the answer finds it. */
    private final class RecordingResponse extends ServerHttpResponseDecorator {

        private final IdempotencyStore.Claimed claim;
        private final AtomicBoolean settled;

        RecordingResponse(ServerHttpResponse delegate, IdempotencyStore.Claimed claim, AtomicBoolean settled) {
            super(delegate);
            this.claim = claim;
            this.settled = settled;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return DataBufferUtils.join(Flux.from(body))
                    .map(DataBuffers::drain)
                    .defaultIfEmpty(new byte[0])
                    .flatMap(bytes -> settle(bytes)
                            .then(bytes.length == 0 ? getDelegate().setComplete()
                                    : getDelegate().writeWith(Mono.just(bufferFactory().wrap(bytes)))));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return writeWith(Flux.from(body).concatMap(Flux::from));
        }

        @Override
        public Mono<Void> setComplete() {
            return settle(new byte[0]).then(getDelegate().setComplete());
        }

        private Mono<Void> settle(byte[] bytes) {
            if (!settled.compareAndSet(false, true)) {
                return Mono.empty();
            }
            HttpStatusCode status = getStatusCode() == null ? HttpStatus.OK : getStatusCode();
            if (status.is5xxServerError()) {
                return blocking(() -> {
                    store.release(claim);
                    return true;
                }).then();
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            getHeaders().forEach((name, values) -> {
                if (!NOT_STORED.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name, List.copyOf(values));
                }
            });
            IdempotencyStore.StoredResponse stored = new IdempotencyStore.StoredResponse(status.value(), headers, bytes);
            return blocking(() -> {
                store.complete(claim, stored);
                return true;
            }).then();
        }
    }

    private static Mono<String> caller() {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(authentication -> authentication.isAuthenticated() && !(authentication instanceof AnonymousAuthenticationToken))
                .map(authentication -> "user:" + authentication.getName())
                .defaultIfEmpty("anonymous");
    }

    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
