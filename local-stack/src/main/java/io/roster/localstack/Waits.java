package io.roster.localstack;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polling with a deadline: the only way the launcher waits for something. */
final class Waits {

    static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private Waits() {
    }

    /**
     * Polls {@code condition} every {@link #POLL_INTERVAL} until it holds or {@code timeout} has passed.
     * A condition may throw to abort the wait (e.g. a child process died); the exception propagates.
     *
     * @throws TimeoutException     when the condition did not hold in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    static void waitUntil(String what, Duration timeout, BooleanSupplier condition)
            throws TimeoutException, InterruptedException {
        waitUntil(what, System.nanoTime() + timeout.toNanos(), condition);
    }

    /** As {@link #waitUntil(String, Duration, BooleanSupplier)}, with an absolute {@link System#nanoTime()} deadline. */
    static void waitUntil(String what, long deadlineNanos, BooleanSupplier condition)
            throws TimeoutException, InterruptedException {
        while (!condition.getAsBoolean()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Math.min(left, POLL_INTERVAL.toNanos()));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for " + what);
            }
        }
    }
}
