package io.roster.kit.axon;

import io.roster.kit.consistency.ConsistencyToken;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.util.UUID;

/** Builds the Consistency-Token of a command from the sequence its aggregate reached. */
public class CommandConsistency {

    private final EventStore eventStore;

    CommandConsistency(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    /** Read after the command completed: the aggregate's last sequence number is at least the command's. */
    public String tokenFor(UUID aggregateId) {
        String id = aggregateId.toString();
        long sequence = eventStore.lastSequenceNumberFor(id)
                .orElseThrow(() -> new IllegalStateException("no events for " + id));
        return ConsistencyToken.of(id, sequence).encode();
    }
}
