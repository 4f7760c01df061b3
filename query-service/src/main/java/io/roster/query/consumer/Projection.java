package io.roster.query.consumer;

import io.roster.events.EventEnvelope;

/**
 * A read model fed by events. {@link #apply} must be idempotent: an event may be applied again when
 * the consumer dies between applying it and recording it as applied.
 */
public interface Projection {
    void apply(EventEnvelope envelope);

    /** Applies an event of a batch; a projection may hold its writes in the batch (see {@link EventBatch}). */
    default void apply(EventEnvelope envelope, EventBatch batch) {
        apply(envelope);
    }
}
