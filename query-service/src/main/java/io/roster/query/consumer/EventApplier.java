package io.roster.query.consumer;

import io.roster.events.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies events to every projection once: an event at or below its aggregate's last applied sequence
 * number was seen before and changes nothing. A batch costs two round trips of its own, whatever its size:
 * one read of the applied sequences of all its aggregates, one bulk write of the new ones after the events
 * were applied in order (so an aggregate's events keep their order); writes the projections held back in the
 * {@link EventBatch} are made just before that. The whole batch goes into one read-model
 * version, the active one when it starts, even if a rebuild switches versions meanwhile.
 */
@Component
public class EventApplier {

    private static final Logger log = LoggerFactory.getLogger(EventApplier.class);

    private final List<Projection> projections;
    private final AppliedSequences applied;
    private final ProjectionCollections collections;
    private final List<AppliedSequencesListener> listeners;

    EventApplier(List<Projection> projections, AppliedSequences applied, ProjectionCollections collections,
                 List<AppliedSequencesListener> listeners) {
        this.projections = projections;
        this.applied = applied;
        this.collections = collections;
        this.listeners = listeners;
    }

    /** @return whether the event was new */
    public boolean apply(EventEnvelope envelope) {
        try {
            return apply(List.of(envelope)) == 1;
        } catch (Failed e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Applies the events in order.
     *
     * @return how many were new
     * @throws Failed when an event cannot be applied: the ones before it are applied and recorded, it and the
     *                ones after it are not recorded (they come again)
     */
    public int apply(List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return 0;
        }
        int version = collections.activeVersion();
        return collections.bound(version, () -> applyInCurrentVersion(version, events));
    }

    private int applyInCurrentVersion(int version, List<EventEnvelope> events) {
        Set<String> aggregates = new HashSet<>();
        events.forEach(event -> aggregates.add(event.aggregateId()));
        Map<String, Long> last = new HashMap<>(applied.lastApplied(aggregates));
        Map<String, Long> newlyApplied = new HashMap<>();
        EventBatch batch = new EventBatch();
        int count = 0;
        Failed failed = null;
        for (int index = 0; index < events.size() && failed == null; index++) {
            EventEnvelope envelope = events.get(index);
            try {
                if (applyOne(envelope, last.getOrDefault(envelope.aggregateId(), -1L), batch)) {
                    last.put(envelope.aggregateId(), envelope.sequenceNumber());
                    newlyApplied.put(envelope.aggregateId(), envelope.sequenceNumber());
                    count++;
                }
            } catch (RuntimeException e) {
                failed = new Failed(index, e);
            }
        }
        // also when an event failed: the ones before it are applied and will be committed. If these writes fail,
        // their exception (not Failed) makes the whole batch come again, which the projections absorb.
        batch.write();
        applied.markApplied(newlyApplied);
        listeners.forEach(listener -> listener.applied(version, newlyApplied));
        if (failed != null) {
            throw failed;
        }
        return count;
    }

    private boolean applyOne(EventEnvelope envelope, long last, EventBatch batch) {
        if (envelope.sequenceNumber() <= last) {
            log.debug("Skipping {} #{} of {}: already applied", envelope.type().name(), envelope.sequenceNumber(), envelope.aggregateId());
            return false;
        }
        if (envelope.sequenceNumber() > last + 1) {
            log.warn("Gap in {}: applying #{} after #{}", envelope.aggregateId(), envelope.sequenceNumber(), last);
        }
        try (var ignored = MDC.putCloseable("correlationId", envelope.correlationId())) {
            projections.forEach(projection -> projection.apply(envelope, batch));
        }
        return true;
    }

    /** An event of a batch could not be applied; those before it were. */
    public static final class Failed extends RuntimeException {
        private final int index;

        Failed(int index, RuntimeException cause) {
            super("Event " + index + " of the batch could not be applied: " + cause.getMessage(), cause);
            this.index = index;
        }

        /** The failed event's position in the batch. */
        public int index() {
            return index;
        }
    }
}
