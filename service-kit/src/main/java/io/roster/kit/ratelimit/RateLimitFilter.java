package io.roster.kit.ratelimit;

import io.roster.kit.web.ProblemWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code roster.rate-limits.paths} limits, keyed by client address: before Spring Security (a refused request
 * costs a bucket read, no token check, no body). {@link RateLimitProperties.Counting#ALL ALL} spends a token per request;
 * {@link RateLimitProperties.Counting#FAILURES FAILURES} refuses while the bucket is empty and spends a token when the
 * answer is one of the failure statuses (an unknown token), so a caller who only uses valid tokens never meets it.
 */
public class RateLimitFilter implements WebFilter, Ordered {

    /** Before Spring Security's filter chain (-100). */
    public static final int ORDER = -200;

    private final RateLimiter limiter;
    private final ClientAddresses clients;
    private final List<Rule> rules;

    public RateLimitFilter(RateLimiter limiter, ClientAddresses clients, List<RateLimitProperties.PathLimit> paths) {
        this.limiter = limiter;
        this.clients = clients;
        this.rules = paths.stream().map(path -> {
            if (!limiter.defines(path.limit())) {
                throw new IllegalArgumentException("roster.rate-limits.paths names an undefined limit: " + path.limit());
            }
            return new Rule(path, PathPatternParser.defaultInstance.parse(path.path()));
        }).toList();
    }

    private record Rule(RateLimitProperties.PathLimit limit, PathPattern pattern) {
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        PathContainer path = request.getPath().pathWithinApplication();
        List<RateLimitProperties.PathLimit> matching = rules.stream()
                .filter(rule -> rule.limit().method().equalsIgnoreCase(request.getMethod().name()) && rule.pattern().matches(path))
                .map(Rule::limit).toList();
        if (matching.isEmpty()) {
            return chain.filter(exchange);
        }
        String client = clients.of(request);
        return Mono.fromRunnable(() -> {
                    for (RateLimitProperties.PathLimit limit : matching) {
                        if (limit.counting() == RateLimitProperties.Counting.ALL) {
                            limiter.spend(limit.limit(), client, 1);
                        } else {
                            limiter.requireAvailable(limit.limit(), client);
                        }
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.defer(() -> {
                    List<RateLimitProperties.PathLimit> failures = matching.stream()
                            .filter(limit -> limit.counting() == RateLimitProperties.Counting.FAILURES).toList();
                    if (failures.isEmpty()) {
                        return chain.filter(exchange);
                    }
                    // counted before the answer leaves, so a client's next request already sees it: a page answering
                    // 404 is seen at commit; an error is answered by the exception handler, after this filter, so it
                    // is counted here by the status it will get
                    AtomicBoolean counted = new AtomicBoolean();
                    exchange.getResponse().beforeCommit(() -> counted.compareAndSet(false, true)
                            ? countFailures(exchange.getResponse().getStatusCode(), failures, client) : Mono.empty());
                    return chain.filter(exchange).onErrorResume(error -> (counted.compareAndSet(false, true)
                            ? countFailures(statusOf(error), failures, client) : Mono.<Void>empty()).then(Mono.error(error)));
                }));
    }

    private static HttpStatusCode statusOf(Throwable error) {
        return ProblemWebExceptionHandler.toProblem(error).status();
    }

    private Mono<Void> countFailures(HttpStatusCode status, List<RateLimitProperties.PathLimit> limits, String client) {
        if (status == null) {
            return Mono.empty();
        }
        List<RateLimitProperties.PathLimit> failed = limits.stream()
                .filter(limit -> limit.failureStatuses().contains(status.value())).toList();
        if (failed.isEmpty()) {
            return Mono.empty();
        }
        return Mono.<Void>fromRunnable(() -> failed.forEach(limit -> limiter.recordFailure(limit.limit(), client)))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
