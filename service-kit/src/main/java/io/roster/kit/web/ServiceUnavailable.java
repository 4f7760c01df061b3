package io.roster.kit.web;

import io.roster.events.ProblemCode;

import java.time.Duration;

/** 503 {@code service_unavailable}: something the answer depends on cannot be reached now; with {@code Retry-After}. */
public class ServiceUnavailable extends ApiProblem {

    private final long retryAfterSeconds;

    public ServiceUnavailable(String detail, Duration retryAfter) {
        super(ProblemCode.SERVICE_UNAVAILABLE, detail);
        this.retryAfterSeconds = Math.max(1, (Math.max(0, retryAfter.toMillis()) + 999) / 1000);
    }

    @Override
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
