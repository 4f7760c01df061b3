package io.roster.query.consumer;

import io.roster.events.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Applies an event to every projection once: an event at or below the aggregate's last applied
 * sequence number was seen before and changes nothing. The whole event goes into one read-model version,
 * the active one when it starts, even if a rebuild switches versions meanwhile.
 */
@Component
public class EventApplier {

    private static final Logger log = LoggerFactory.getLogger(EventApplier.class);

    private final List<Projection> projections;
    private final AppliedSequences applied;
    private final ProjectionCollections collections;

    EventApplier(List<Projection> projections, AppliedSequences applied, ProjectionCollections collections) {
        this.projections = projections;
        this.applied = applied;
        this.collections = collections;
    }

    /** @return whether the event was new */
    public boolean apply(EventEnvelope envelope) {
        return collections.bound(collections.activeVersion(), () -> applyInCurrentVersion(envelope));
    }

    private boolean applyInCurrentVersion(EventEnvelope envelope) {
        long last = applied.lastApplied(envelope.aggregateId());
        if (envelope.sequenceNumber() <= last) {
            log.debug("Skipping {} #{} of {}: already applied", envelope.type().name(), envelope.sequenceNumber(), envelope.aggregateId());
            return false;
        }
        if (envelope.sequenceNumber() > last + 1) {
            log.warn("Gap in {}: applying #{} after #{}", envelope.aggregateId(), envelope.sequenceNumber(), last);
        }
        try (var ignored = MDC.putCloseable("correlationId", envelope.correlationId())) {
            projections.forEach(projection -> projection.apply(envelope));
            applied.markApplied(envelope.aggregateId(), envelope.sequenceNumber());
        }
        return true;
    }
}
