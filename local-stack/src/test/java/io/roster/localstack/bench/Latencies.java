package io.roster.localstack.bench;

import java.util.concurrent.ConcurrentLinkedQueue;

/** Durations in nanoseconds, added by many client threads, read as percentiles in milliseconds. */
final class Latencies {

    private final ConcurrentLinkedQueue<Long> values = new ConcurrentLinkedQueue<>();

    void add(long nanos) {
        values.add(nanos);
    }

    int count() {
        return values.size();
    }

    /** The nearest-rank percentile in whole milliseconds (100 = the maximum); -1 when nothing was measured. */
    long percentileMillis(int percent) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return -1;
        }
        int rank = Math.max(1, (int) Math.ceil(percent / 100.0 * sorted.length));
        return sorted[Math.min(sorted.length, rank) - 1] / 1_000_000;
    }

    /** "p50 / p99" in milliseconds. */
    String p50p99() {
        return percentileMillis(50) + " / " + percentileMillis(99);
    }
}
