package io.roster.notification.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with ±10 % jitter, so that emails failed together do not retry in lockstep. */
final class RetryPolicy {

    private final DeliveryProperties properties;

    RetryPolicy(DeliveryProperties properties) {
        this.properties = properties;
    }

    /** The wait after the n-th consecutive failure (n ≥ 1). */
    Duration backoffAfter(int failures) {
        double millis = properties.initialBackoff().toMillis() * Math.pow(properties.backoffMultiplier(), Math.max(0, failures - 1));
        double capped = Math.min(millis, properties.maxBackoff().toMillis());
        double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }

    boolean isLastAttempt(int attempts) {
        return attempts >= properties.maxAttempts();
    }
}
