package io.roster.invitation.directory;

import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.consumer.AppliedSequences;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Read-your-writes across services for commands (issue 17, B4): a command of an organization that carries the
 * Consistency-Token of an identity command (creating the organization or a team, adding the caller as admin) waits
 * until this service's {@link IdentityDirectory} applied those events, at most {@code consistency-wait} (5 s), and
 * then runs. So "create an organization, then invite" works at once instead of answering 404 until the directory
 * catches up. Past the wait the command runs anyway and decides on what the directory knows.
 *
 * <p>The token's aggregates that are this service's own (it appended their events, e.g. the token of an earlier
 * invitation sent back) are skipped: the directory never sees them, and waiting for them would only cost the wait.
 * Runs after Spring Security's filter chain, so that only an authenticated caller makes the service look anything up.
 */
@Component
class IdentityConsistencyFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(IdentityConsistencyFilter.class);
    private static final Set<HttpMethod> COMMANDS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    private static final String ORGANIZATION_PATHS = "/api/v1/organizations/";
    /** The first poll comes after this; each next one after twice as long, at most {@link #LONGEST_POLL_INTERVAL}. */
    private static final Duration FIRST_POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration LONGEST_POLL_INTERVAL = Duration.ofMillis(500);
    /**
     * A command follows one identity command, whose token names one or two aggregates; a token naming more is not
     * waited for (the command decides on what is known), so that no caller makes a request cost hundreds of queries.
     */
    static final int MOST_AGGREGATES_WAITED_FOR = 20;

    private final AppliedSequences directory;
    private final EventStore ownEvents;
    private final Duration maxWait;

    IdentityConsistencyFilter(AppliedSequences directoryAppliedSequences, EventStore ownEvents,
                              @Value("${roster.invitation.consistency-wait:PT5S}") Duration maxWait) {
        this.directory = directoryAppliedSequences;
        this.ownEvents = ownEvents;
        this.maxWait = maxWait;
    }

    /** After Spring Security's chain (order -100). */
    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String header = exchange.getRequest().getHeaders().getFirst(ConsistencyToken.HEADER);
        if (header == null || header.isBlank() || !COMMANDS.contains(exchange.getRequest().getMethod())
                || !exchange.getRequest().getPath().value().startsWith(ORGANIZATION_PATHS)) {
            return chain.filter(exchange);
        }
        return Mono.fromCallable(() -> ConsistencyToken.decode(header).sequences())
                .flatMap(sequences -> sequences.size() > MOST_AGGREGATES_WAITED_FOR ? Mono.just(true) : awaitIdentityPart(sequences))
                .doOnNext(reached -> {
                    if (!reached) {
                        log.info("{} {}: the identity events of its Consistency-Token not applied within {}; deciding on what is known",
                                exchange.getRequest().getMethod(), exchange.getRequest().getPath(), maxWait);
                    }
                })
                .then(chain.filter(exchange));
    }

    private Mono<Boolean> awaitIdentityPart(Map<String, Long> sequences) {
        return Mono.fromCallable(() -> identityPart(sequences))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(wanted -> wanted.isEmpty() ? Mono.just(true) : reached(wanted));
    }

    /** The token's aggregates that are not this service's own, with their sequences. */
    private Map<String, Long> identityPart(Map<String, Long> sequences) {
        Map<String, Long> identity = new HashMap<>(sequences);
        identity.keySet().removeIf(aggregateId -> ownEvents.lastSequenceNumberFor(aggregateId).isPresent());
        return identity;
    }

    /**
     * True once the directory applied every wanted sequence, false after the wait: one query per poll, the polls ever
     * further apart (20, 40, 80 ms … then every 500 ms), so a wait of 5 s costs about 14 queries.
     */
    private Mono<Boolean> reached(Map<String, Long> wanted) {
        return Mono.fromCallable(() -> covers(directory.lastApplied(wanted.keySet()), wanted))
                .subscribeOn(Schedulers.boundedElastic())
                .filter(Boolean::booleanValue)
                .repeatWhenEmpty(attempts -> attempts.concatMap(attempt -> Mono.delay(pollInterval(attempt))))
                .timeout(maxWait, Mono.just(false));
    }

    private static Duration pollInterval(long attempt) {
        Duration interval = FIRST_POLL_INTERVAL.multipliedBy(1L << Math.min(attempt, 10));
        return interval.compareTo(LONGEST_POLL_INTERVAL) > 0 ? LONGEST_POLL_INTERVAL : interval;
    }

    private static boolean covers(Map<String, Long> applied, Map<String, Long> wanted) {
        return wanted.entrySet().stream().allMatch(w -> applied.getOrDefault(w.getKey(), -1L) >= w.getValue());
    }
}
