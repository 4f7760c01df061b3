package io.roster.query.consumer;

import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.kit.consumer.BatchScope;
import io.roster.kit.consumer.EventHandlers;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The projections as the consumer runtime sees them: one handler table (every event of the three topics goes to every
 * projection; each tells them apart itself) and the scope of a batch. A batch goes into one read-model version, the
 * active one when it starts, even if a rebuild switches versions meanwhile; the writes the projections held back in
 * its {@link EventBatch} are made in one go just before the batch's applied sequences are written, and the
 * {@link AppliedSequencesListener}s hear of the sequences right after.
 */
@Component
public class ProjectionHandlers implements BatchScope {

    public static final List<String> TOPICS = List.of(Topics.IDENTITY, Topics.INVITATION, Topics.NOTIFICATION);

    private final ProjectionCollections collections;
    private final List<AppliedSequencesListener> listeners;
    private final EventHandlers table;
    private final ThreadLocal<Batch> current = new ThreadLocal<>();

    ProjectionHandlers(List<Projection> projections, ProjectionCollections collections, List<AppliedSequencesListener> listeners) {
        this.collections = collections;
        this.listeners = listeners;
        this.table = EventHandlers.builder()
                .onEveryEventOf(TOPICS, (event, envelope) -> projections.forEach(p -> p.apply(envelope, batch())))
                .build();
    }

    public EventHandlers table() {
        return table;
    }

    @Override
    public <T> T around(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        int version = collections.activeVersion();
        current.set(new Batch(version, new EventBatch()));
        try {
            return collections.bound(version, work);
        } finally {
            current.remove();
        }
    }

    @Override
    public void beforeMark() {
        batch().write();
    }

    @Override
    public void afterMark(Map<String, Long> applied) {
        if (!applied.isEmpty()) {
            int version = current.get() != null ? current.get().version() : collections.activeVersion();
            listeners.forEach(listener -> listener.applied(version, applied));
        }
    }

    void dispatch(EventEnvelope envelope) {
        table.dispatch(envelope);
    }

    private EventBatch batch() {
        Batch batch = current.get();
        if (batch == null) {
            throw new IllegalStateException("Projections apply events inside a batch (ProjectionHandlers.around)");
        }
        return batch.writes();
    }

    private record Batch(int version, EventBatch writes) {
    }
}
