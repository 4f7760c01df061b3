package io.roster.kit.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A batch scope whose handlers {@linkplain #hold hold} what the events ask for, and act on all of it at the batch's
 * end ({@link #actOn}, just before the batch is recorded as applied): many joins into one organization, say, become one
 * command. Each item keeps its record's {@link RecordOrigin}, so what is done for it later still carries the record's
 * trace and cause. A batch that fails part way leaves nothing held for the next one; the runtime applies it again (a
 * record at a time, to find the one at fault), so {@code actOn} must absorb a repeat as any redelivery.
 *
 * @param <T> what a handler holds
 */
public abstract class HeldToBatchEnd<T> implements BatchScope {

    /** Only the consumer's thread uses it, one batch at a time (the runtime runs a consumer's batches in turn). */
    private final List<Held<T>> held = new ArrayList<>();

    /** An item and the record it was held for. */
    public record Held<T>(T item, RecordOrigin origin) {
    }

    /** For the batch's end, after what was held before it; called by a handler, in its record's context. */
    protected void hold(T item) {
        held.add(new Held<>(item, RecordOrigin.here()));
    }

    /** Acts on what the batch's handlers held, in the order they held it. */
    protected abstract void actOn(List<Held<T>> items);

    @Override
    public <R> R around(Supplier<R> batch) {
        held.clear();
        try {
            return batch.get();
        } finally {
            held.clear();
        }
    }

    @Override
    public void beforeMark() {
        List<Held<T>> items = List.copyOf(held);
        held.clear();
        if (!items.isEmpty()) {
            actOn(items);
        }
    }
}
