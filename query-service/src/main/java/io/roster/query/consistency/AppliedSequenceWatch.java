package io.roster.query.consistency;

import io.roster.kit.consumer.AppliedSequences;
import io.roster.query.consumer.AppliedSequencesListener;
import io.roster.query.consumer.ProjectionCollections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The requests waiting for their Consistency-Token, all watched together. This instance's own consumer
 * releases a waiter the moment it records the sequences it waits for; events applied by another instance are
 * noticed by one poll of the applied sequences every {@code poll-interval} (15 ms) for all waiters at once. So
 * a hundred requests waiting during a burst cost one query per interval, not a hundred.
 */
@Component
public class AppliedSequenceWatch implements AppliedSequencesListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AppliedSequenceWatch.class);

    private final AppliedSequences applied;
    private final ProjectionCollections collections;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "consistency-poller");
        thread.setDaemon(true);
        return thread;
    });

    AppliedSequenceWatch(AppliedSequences applied, ProjectionCollections collections,
                         @Value("${roster.query.consistency-poll-interval:PT0.015S}") Duration pollInterval) {
        this.applied = applied;
        this.collections = collections;
        poller.scheduleWithFixedDelay(this::poll, pollInterval.toNanos(), pollInterval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Completes with true once every aggregate of {@code wanted} reached its sequence in the active read-model
     * version, or with false after {@code maxWait}.
     */
    public Mono<Boolean> reached(Map<String, Long> wanted, Duration maxWait) {
        return Mono.defer(() -> {
            Waiter waiter = new Waiter(Map.copyOf(wanted));
            waiters.add(waiter);
            // registered first, so that nothing applied from now on is missed; then the one read every request
            // costs, off the event loop (the driver blocks)
            return Mono.fromRunnable(() -> waiter.check(applied.lastApplied(waiter.wanted.keySet())))
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(waiter.done.asMono())
                    .timeout(maxWait, Mono.just(false))
                    .doFinally(signal -> waiters.remove(waiter));
        });
    }

    /** This instance's consumer recorded these sequences: release whoever waited for them, without a query. */
    @Override
    public void applied(int version, Map<String, Long> sequences) {
        if (waiters.isEmpty() || version != collections.activeVersion()) {
            return;
        }
        waiters.forEach(waiter -> waiter.check(sequences));
    }

    /** How many requests wait now. */
    int waiting() {
        return waiters.size();
    }

    private void poll() {
        if (waiters.isEmpty()) {
            return;
        }
        try {
            Set<String> aggregates = new HashSet<>();
            waiters.forEach(waiter -> aggregates.addAll(waiter.wanted.keySet()));
            Map<String, Long> current = applied.lastApplied(aggregates);
            waiters.forEach(waiter -> waiter.check(current));
        } catch (RuntimeException e) {
            // the waiters time out as they would if nothing were applied; the next poll tries again
            log.warn("Could not read the applied sequences for {} waiting request(s)", waiters.size(), e);
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }

    /** One request's wait: the sequences still missing, removed as they are seen. */
    private static final class Waiter {
        private final Map<String, Long> wanted;
        private final Set<String> missing;
        private final Sinks.One<Boolean> done = Sinks.one();

        Waiter(Map<String, Long> wanted) {
            this.wanted = wanted;
            this.missing = ConcurrentHashMap.newKeySet();
            this.missing.addAll(wanted.keySet());
        }

        void check(Map<String, Long> seen) {
            seen.forEach((aggregate, sequence) -> {
                Long needed = wanted.get(aggregate);
                if (needed != null && sequence >= needed) {
                    missing.remove(aggregate);
                }
            });
            if (missing.isEmpty()) {
                done.tryEmitValue(true);
            }
        }
    }
}
