package io.roster.kit.consumer;

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
