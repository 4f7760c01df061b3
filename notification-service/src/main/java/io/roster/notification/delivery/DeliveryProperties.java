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
 * @param lease                       how long a worker holds a delivery; must exceed the SMTP timeouts of one send
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
        @DefaultValue("5m") Duration lease,
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
        if (backoffMultiplier < 1) {
            throw new IllegalArgumentException("backoff-multiplier must be at least 1");
        }
    }
}
