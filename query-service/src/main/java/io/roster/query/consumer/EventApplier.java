package io.roster.query.consumer;

import io.roster.events.EventEnvelope;
import io.roster.kit.consumer.AppliedSequences;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies events that do not come from the live consumer (the tail of a projection rebuild, the projection tests and
 * benchmarks) through the same handler table, batch scope and applied sequences as the live consumer: an event at or
 * below its aggregate's last applied sequence changes nothing. Records from Kafka go through service-kit's consumer
 * runtime ({@link EventConsumer}), which also owns dead letters and gaps.
 */
@Component
public class EventApplier {

    private final ProjectionHandlers handlers;
    private final AppliedSequences applied;

    EventApplier(ProjectionHandlers handlers, AppliedSequences applied) {
        this.handlers = handlers;
        this.applied = applied;
    }

    /** @return whether the event was new */
    public boolean apply(EventEnvelope envelope) {
        return apply(List.of(envelope)) == 1;
    }

    /** Applies the events in order; how many were new. */
    public int apply(List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return 0;
        }
        return handlers.around(() -> {
            Set<String> aggregates = new HashSet<>();
            events.forEach(event -> aggregates.add(event.aggregateId()));
            Map<String, Long> last = new HashMap<>(applied.lastApplied(aggregates));
            Map<String, Long> newlyApplied = new HashMap<>();
            int count = 0;
            for (EventEnvelope envelope : events) {
                if (envelope.sequenceNumber() <= last.getOrDefault(envelope.aggregateId(), -1L)) {
                    continue;
                }
                handlers.dispatch(envelope);
                last.put(envelope.aggregateId(), envelope.sequenceNumber());
                newlyApplied.put(envelope.aggregateId(), envelope.sequenceNumber());
                count++;
            }
            handlers.beforeMark();
            applied.markApplied(newlyApplied);
            handlers.afterMark(newlyApplied);
            return count;
        });
    }
}
