package io.roster.kit.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How one consumer group is doing, for readiness ({@code consumers}) and metrics: stalled on an infrastructure
 * failure ({@code roster.consumer.stalled{group}} 1, {@code roster.consumer.infrastructure.retries{group}} counting
 * the attempts), and its parked aggregates: behind a dead letter ({@code roster.consumer.parked{group}}) or waiting
 * for a missing sequence ({@code roster.consumer.sequence.gaps{group}}); and how long after an event happened this
 * consumer applied it ({@code roster.consumer.applied.lag{group}}, a histogram in seconds). All registered when the
 * consumer is made, at zero, so that a rate or an increase sees the first event.
 */
final class ConsumerStatus {

    private final String group;
    private final Counter retries;
    private final Timer appliedLag;
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private volatile Instant stalledSince;
    private volatile String lastFailure;

    ConsumerStatus(String group, MeterRegistry meters) {
        this.group = group;
        this.retries = Counter.builder("roster.consumer.infrastructure.retries")
                .description("Attempts of a record that failed on the infrastructure (MongoDB, Kafka, a timeout)")
                .tag("group", group).register(meters);
        Gauge.builder("roster.consumer.stalled", this, s -> s.stalledSince == null ? 0 : 1)
                .description("1 while the consumer retries a record that failed on the infrastructure")
                .tag("group", group).register(meters);
        Gauge.builder("roster.consumer.sequence.gaps", this, s -> s.count(true))
                .description("Aggregates waiting for a sequence number that never arrived")
                .tag("group", group).register(meters);
        Gauge.builder("roster.consumer.parked", this, s -> s.count(false))
                .description("Aggregates whose events wait behind a dead letter")
                .tag("group", group).register(meters);
        this.appliedLag = Timer.builder("roster.consumer.applied.lag")
                .description("From the event's time (its occurredAt, the appending service's clock) to this consumer applying it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .tag("group", group).register(meters);
    }

    /** An event of {@code occurredAt} was applied now (a negative age, from a clock ahead, counts as 0). */
    void applied(Instant occurredAt) {
        if (occurredAt != null) {
            Duration age = Duration.between(occurredAt, Instant.now());
            appliedLag.record(age.isNegative() ? Duration.ZERO : age);
        }
    }

    String group() {
        return group;
    }

    void infrastructureFailure(Throwable failure) {
        retries.increment();
        lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (stalledSince == null) {
            stalledSince = Instant.now();
        }
    }

    void progressing() {
        stalledSince = null;
    }

    boolean stalled() {
        return stalledSince != null;
    }

    void parked(String aggregateId, Parked why) {
        if (why == null) {
            parked.remove(aggregateId);
        } else {
            parked.put(aggregateId, why);
        }
    }

    private long count(boolean gaps) {
        return parked.values().stream().filter(p -> p.gap() == gaps).count();
    }

    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", stalledSince == null ? "running" : "stalled");
        if (stalledSince != null) {
            details.put("stalledSince", stalledSince.toString());
            details.put("failure", lastFailure);
        }
        Map<String, Object> gaps = new LinkedHashMap<>();
        Map<String, Object> behindDeadLetters = new LinkedHashMap<>();
        parked.entrySet().stream().limit(100).forEach(e -> {
            if (e.getValue().gap()) {
                gaps.put(e.getKey(), Map.of("missingSequence", e.getValue().missing()));
            } else {
                behindDeadLetters.put(e.getKey(), Map.of("deadLetterId", String.valueOf(e.getValue().deadLetterId())));
            }
        });
        details.put("gaps", gaps);
        details.put("parked", behindDeadLetters);
        return details;
    }
}
