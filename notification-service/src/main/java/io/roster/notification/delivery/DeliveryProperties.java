package io.roster.notification.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How emails are delivered ({@code roster.notification.delivery.*}).
 *
 * @param enabled                     whether this instance runs delivery workers at all
 * @param workers                     threads sending emails
 * @param perOrganizationConcurrency  emails of one organization (or of the platform route) in flight at once
 * @param pollInterval                how often idle workers look for due deliveries (a new event wakes them at once)
 * @param lease                       how long a claim lasts unless renewed: a delivery whose holder died (claimed but
 *                                    not yet sending) is taken by another worker at most this long after the holder's
 *                                    last heartbeat, one in flight ({@code sending}) becomes {@code unknown}
 * @param heartbeatInterval           how often an instance renews the leases of all the deliveries its workers hold (one
 *                                    bulk update); at most half the lease, so that one late heartbeat loses nothing
 * @param maxHold                     how long one attempt may keep its delivery renewed: a worker still busy after this
 *                                    long is taken for stuck, and its lease runs out as if it had died
 * @param maxAttempts                 attempts before a transiently failing email fails for good
 * @param initialBackoff              wait after the first transient failure (of an email, and of its organization's server)
 * @param backoffMultiplier           growth of the wait with every further failure
 * @param maxBackoff                  longest wait between two attempts
 * @param factsWait                   how long an email may wait for a fact it needs (the address of a user who
 *                                    joined, an organization's name) before it fails
 * @param maintenanceInterval         how often expired leases and unpublished outcome events are looked for
 * @param outboxRetryAfter            age of an unpublished outcome event before the maintenance task publishes it
 * @param shutdownWait                how long a stopping instance waits for the sends in progress
 */
@ConfigurationProperties("roster.notification.delivery")
public record DeliveryProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("8") int workers,
        @DefaultValue("4") int perOrganizationConcurrency,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("20s") Duration lease,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("5m") Duration maxHold,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("10s") Duration initialBackoff,
        @DefaultValue("3") double backoffMultiplier,
        @DefaultValue("1h") Duration maxBackoff,
        @DefaultValue("15m") Duration factsWait,
        @DefaultValue("1s") Duration maintenanceInterval,
        @DefaultValue("30s") Duration outboxRetryAfter,
        @DefaultValue("15s") Duration shutdownWait) {

    public DeliveryProperties {
        if (workers < 1 || perOrganizationConcurrency < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("workers, per-organization-concurrency and max-attempts must be at least 1");
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative() || heartbeatInterval.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException("heartbeat-interval must be positive and at most half the lease");
        }
        if (maxHold.compareTo(lease) < 0) {
            throw new IllegalArgumentException("max-hold must be at least the lease");
        }
        if (backoffMultiplier < 1) {
            throw new IllegalArgumentException("backoff-multiplier must be at least 1");
        }
    }
}
