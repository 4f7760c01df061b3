package io.roster.query.consistency;

import io.roster.kit.consistency.ConsistencyToken;
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
import java.util.function.Function;

/**
 * Read-your-writes: a request carrying a Consistency-Token waits, up to the configured time (5 s), until
 * the projections applied every aggregate sequence in it ({@link AppliedSequenceWatch}: released by this
 * instance's consumer, or by a shared poll of the applied sequences when another instance applied them).
 * Past the wait the request is answered from what is there, with {@code Consistency-Reached: false}.
 */
@Component
public class ConsistencyGate {

    public static final String REACHED_HEADER = "Consistency-Reached";
    private static final Logger log = LoggerFactory.getLogger(ConsistencyGate.class);

    private final AppliedSequenceWatch watch;
    private final Duration maxWait;

    ConsistencyGate(AppliedSequenceWatch watch, @Value("${roster.query.consistency-wait:PT5S}") Duration maxWait) {
        this.watch = watch;
        this.maxWait = maxWait;
    }

    /** Completes when the exchange's token (if any) is reached or the wait is over. */
    public Mono<Void> await(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(ConsistencyToken.HEADER);
        if (header == null || header.isBlank()) {
            return Mono.empty();
        }
        ConsistencyToken token = ConsistencyToken.decode(header);
        return watch.reached(token.sequences(), maxWait)
                .doOnNext(reached -> {
                    if (!reached) {
                        log.warn("Consistency token not reached within {}", maxWait);
                    }
                    exchange.getResponse().getHeaders().set(REACHED_HEADER, String.valueOf(reached));
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

}
