package io.roster.kit.consumer;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Readiness of the service's consumers ({@code consumers} in the readiness group): DOWN while any of them retries a
 * record that failed on the infrastructure; UP otherwise, with the aggregates that wait (behind a dead letter, or
 * for a missing sequence number) in the details of each group.
 */
final class ConsumersHealthIndicator extends AbstractHealthIndicator {

    private final ConsumerRuntimes runtimes;

    ConsumersHealthIndicator(ConsumerRuntimes runtimes) {
        super("Consumers health check failed");
        this.runtimes = runtimes;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean stalled = false;
        for (ConsumerRuntime runtime : runtimes.all()) {
            ConsumerStatus status = runtime.status();
            stalled |= status.stalled();
            builder.withDetail(status.group(), status.details());
        }
        if (stalled) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
