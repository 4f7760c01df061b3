package io.roster.query.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes held back while a batch of events is applied, made in one go per writer when the batch is done (one
 * bulk write instead of a round trip per event), and before the batch is recorded as applied: if they fail, the
 * batch comes again, and the writers must absorb that as they absorb any redelivery.
 */
public final class EventBatch {

    private final Map<Writer<?>, List<Object>> held = new LinkedHashMap<>();

    /** Holds {@code item} for {@code writer} until {@link #write}. */
    public <T> void hold(Writer<T> writer, T item) {
        held.computeIfAbsent(writer, w -> new ArrayList<>()).add(item);
    }

    /** Every writer writes what it was given, in the order it was given. */
    @SuppressWarnings("unchecked")
    public void write() {
        try {
            held.forEach((writer, items) -> ((Writer<Object>) writer).writeAll(items));
        } finally {
            held.clear();
        }
    }

    /**
     * Only {@code writer} writes what it was given so far: before a read of its collection while the batch is applied.
     * The other writers' items stay held (each writer's collection is its own, so their order against it does not matter).
     */
    @SuppressWarnings("unchecked")
    public void write(Writer<?> writer) {
        List<Object> items = held.remove(writer);
        if (items != null) {
            ((Writer<Object>) writer).writeAll(items);
        }
    }

    /** What writes the held items of one kind, all at once. */
    public interface Writer<T> {
        void writeAll(List<T> items);
    }
}
