package io.roster.kit.axon;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code roster_relay_lag_seconds}: the age of the oldest stored event not yet on Kafka, 0 when none waits, NaN until
 * the event store answered once. Read from the events' flags in the store, so every instance of the service reports
 * the same figure, whichever of them publishes. {@link RelaySweep} refreshes it every sweep interval; between
 * refreshes the age grows with the clock. The age is this instance's clock minus the event's timestamp, which the
 * appending instance's clock wrote: a clock that is behind makes its events look older by that much.
 */
class RelayLag {

    private final UnpublishedEvents unpublished;
    private final Clock clock;
    private volatile boolean known;
    private volatile Instant oldest;

    RelayLag(UnpublishedEvents unpublished, MeterRegistry meters, Clock clock) {
        this.unpublished = unpublished;
        this.clock = clock;
        Gauge.builder("roster.relay.lag", this, RelayLag::seconds)
                .description("Age of the oldest stored event not yet on Kafka (0: none waits)")
                .baseUnit("seconds")
                .register(meters);
    }

    /** Asks the event store for the oldest waiting event; a failure keeps the last answer (and its age grows). */
    void refresh() {
        Optional<UnpublishedEvents.StoredEvent> waiting = unpublished.oldest();
        oldest = waiting.map(UnpublishedEvents.StoredEvent::timestamp).orElse(null);
        known = true;
    }

    double seconds() {
        if (!known) {
            return Double.NaN;
        }
        Instant stamped = oldest;
        return stamped == null ? 0 : Math.max(0, Duration.between(stamped, clock.instant()).toMillis() / 1000.0);
    }
}
