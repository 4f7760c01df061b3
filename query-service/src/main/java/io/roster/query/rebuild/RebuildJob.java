package io.roster.query.rebuild;

import java.time.Instant;
import java.util.UUID;

/**
 * A projection rebuild as its status endpoint shows it. {@code target} is the number of records to replay
 * (it grows when the catch-up finds more); {@code eventsApplied} counts the records replayed so far, each
 * applied or recognised as applied before; {@code unreadable} the records skipped because they are not
 * readable events (the live consumer sent them to the dead letter topic). {@code version} is the read-model
 * version being built, {@code previousVersion} the one readers use until the switch.
 */
public record RebuildJob(UUID jobId, RebuildState state, long eventsApplied, long unreadable, long target,
                         Instant startedAt, Instant finishedAt, int version, int previousVersion, String failure) {

    static RebuildJob started(UUID jobId, Instant now, int previousVersion) {
        return new RebuildJob(jobId, RebuildState.REPLAYING, 0, 0, 0, now, null, previousVersion + 1, previousVersion, null);
    }

    RebuildJob in(RebuildState newState) {
        return new RebuildJob(jobId, newState, eventsApplied, unreadable, target, startedAt, finishedAt, version, previousVersion, failure);
    }

    RebuildJob withProgress(long applied, long skipped, long newTarget) {
        return new RebuildJob(jobId, state, applied, skipped, newTarget, startedAt, finishedAt, version, previousVersion, failure);
    }

    RebuildJob completed(Instant now) {
        return new RebuildJob(jobId, RebuildState.COMPLETED, eventsApplied, unreadable, target, startedAt, now, version, previousVersion, null);
    }

    RebuildJob failed(Instant now, String reason) {
        return new RebuildJob(jobId, RebuildState.FAILED, eventsApplied, unreadable, target, startedAt, now, version, previousVersion, reason);
    }
}
