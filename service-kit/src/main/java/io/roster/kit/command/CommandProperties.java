package io.roster.kit.command;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How {@link Commands} sends.
 *
 * @param retries how a command that lost an optimistic-locking race is sent again
 */
@ConfigurationProperties("roster.commands")
public record CommandProperties(@DefaultValue Retries retries) {

    /**
     * @param maxAttempts attempts in all, the first included, before a lost race answers 409 {@code conflict}
     * @param interval    the pause before each further attempt
     */
    public record Retries(@DefaultValue("6") int maxAttempts, @DefaultValue("PT0.025S") Duration interval) {
        public Retries {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("roster.commands.retries.max-attempts must be at least 1");
            }
            if (interval.isNegative()) {
                throw new IllegalArgumentException("roster.commands.retries.interval must not be negative");
            }
        }
    }
}
