package io.roster.query.consistency;

import io.roster.kit.consistency.ConsistencyToken;
import io.roster.query.consumer.AppliedSequences;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Read-your-writes: a request carrying a Consistency-Token waits, up to the configured time (5 s), until
 * the projections applied every aggregate sequence in it. It polls the applied sequences in MongoDB,
 * because the event may be applied by another instance of this service. Past the wait the request is
 * answered from what is there, with {@code Consistency-Reached: false}.
 */
@Component
public class ConsistencyGate {

    public static final String REACHED_HEADER = "Consistency-Reached";
    private static final Logger log = LoggerFactory.getLogger(ConsistencyGate.class);

    private final AppliedSequences applied;
    private final Duration maxWait;

    ConsistencyGate(AppliedSequences applied, @Value("${roster.query.consistency-wait:PT5S}") Duration maxWait) {
        this.applied = applied;
        this.maxWait = maxWait;
    }

    /** Completes when the exchange's token (if any) is reached or the wait is over. */
    public Mono<Void> await(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(ConsistencyToken.HEADER);
        if (header == null || header.isBlank()) {
            return Mono.empty();
        }
        ConsistencyToken token = ConsistencyToken.decode(header);
        return Mono.fromCallable(() -> reached(token))
                .subscribeOn(Schedulers.boundedElastic())
                .filter(Boolean::booleanValue)
                .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(Duration.ofMillis(15)))
                .timeout(maxWait)
                .doOnSuccess(ok -> exchange.getResponse().getHeaders().set(REACHED_HEADER, "true"))
                .onErrorResume(java.util.concurrent.TimeoutException.class, e -> {
                    log.warn("Consistency token not reached within {}", maxWait);
                    exchange.getResponse().getHeaders().set(REACHED_HEADER, "false");
                    return Mono.just(false);
                })
                .then();
    }

    /**
     * What every read of this service does: wait for the exchange's token, then read as the caller on a thread that
     * may block (the projections use MongoDB's synchronous driver).
     */
    public <T> Mono<T> read(ServerWebExchange exchange, Function<RosterPrincipal, T> read) {
        return await(exchange).then(CurrentCaller.get()).publishOn(Schedulers.boundedElastic()).map(read);
    }

    private boolean reached(ConsistencyToken token) {
        Map<String, Long> current = applied.lastApplied(token.sequences().keySet());
        return token.sequences().entrySet().stream()
                .allMatch(e -> current.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

}
