package io.roster.kit.web;

import io.roster.events.ProblemCode;

import java.time.Duration;

/** 429 {@code rate_limited}, answered with {@code Retry-After} in whole seconds (at least 1) by {@link ProblemWriter}. */
public class TooManyRequests extends ApiProblem {

    private final long retryAfterSeconds;

    public TooManyRequests(Duration retryAfter) {
        super(ProblemCode.RATE_LIMITED, "Too many requests; retry after the time in the Retry-After header.");
        long millis = Math.max(0, retryAfter.toMillis());
        this.retryAfterSeconds = Math.max(1, (millis + 999) / 1000);
    }

    @Override
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
