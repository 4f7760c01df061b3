package io.roster.query.rebuild;

import io.roster.events.EventEnvelope;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies replayed events to the projections of a version nobody else writes to yet, so the last applied
 * sequence per aggregate is kept in memory (no read per event) and written to the version's
 * {@code applied-sequences} in one bulk write per batch (no write per event), after the writes the projections
 * held back in the batch. Call it on a thread bound to that version; {@link #flush} before anyone else may
 * write to it.
 */
final class ReplayApplier {

    private final List<Projection> projections;
    private final AppliedSequences appliedSequences;
    private final Map<String, Long> applied = new HashMap<>();
    private final Map<String, Long> unwritten = new HashMap<>();
    private final EventBatch batch = new EventBatch();

    ReplayApplier(List<Projection> projections, AppliedSequences appliedSequences) {
        this.projections = projections;
        this.appliedSequences = appliedSequences;
    }

    /** @return whether the event was new (not a republished or redelivered copy) */
    boolean apply(EventEnvelope envelope) {
        String aggregate = envelope.aggregateId();
        if (envelope.sequenceNumber() <= applied.getOrDefault(aggregate, -1L)) {
            return false;
        }
        projections.forEach(projection -> projection.apply(envelope, batch));
        applied.put(aggregate, envelope.sequenceNumber());
        unwritten.put(aggregate, envelope.sequenceNumber());
        return true;
    }

    int unwritten() {
        return unwritten.size();
    }

    void flush() {
        batch.write();
        appliedSequences.markApplied(unwritten);
        unwritten.clear();
    }
}
