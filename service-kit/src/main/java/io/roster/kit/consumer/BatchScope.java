package io.roster.kit.consumer;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a batch consumer does around one batch of events (a poll, a re-drive): the handlers may hold writes back
 * and make them in one go in {@link #beforeMark} (one bulk write instead of a round trip per event); they are made
 * before the batch's sequences are recorded, so a failure brings the batch again, never records it as applied
 * without its writes.
 */
public interface BatchScope {

    /** A record consumer: nothing around its events. */
    BatchScope NONE = new BatchScope() {
    };

    /**
     * Several scopes around one consumer's batches: each runs around the next ({@code scopes[0]} outermost), and each
     * writes what it held and is told what was recorded in the order given.
     */
    static BatchScope all(BatchScope... scopes) {
        List<BatchScope> inOrder = List.of(scopes);
        return new BatchScope() {
            @Override
            public <T> T around(Supplier<T> batch) {
                Supplier<T> nested = batch;
                for (int i = inOrder.size() - 1; i >= 0; i--) {
                    BatchScope scope = inOrder.get(i);
                    Supplier<T> inner = nested;
                    nested = () -> scope.around(inner);
                }
                return nested.get();
            }

            @Override
            public void beforeMark() {
                inOrder.forEach(BatchScope::beforeMark);
            }

            @Override
            public void afterMark(Map<String, Long> applied) {
                inOrder.forEach(scope -> scope.afterMark(applied));
            }
        };
    }

    /** Runs one batch (e.g. with the read models of one version). */
    default <T> T around(Supplier<T> batch) {
        return batch.get();
    }

    /** Writes what the handlers held back; just before the batch's sequences are recorded. */
    default void beforeMark() {
    }

    /** Told which sequences the batch has just recorded as applied, per aggregate. */
    default void afterMark(Map<String, Long> applied) {
    }
}
