package io.roster.kit.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Rate limits ({@code roster.rate-limits.*}, PRODUCT.md §3a). Each limit is a token bucket of {@code capacity} tokens
 * that refills {@code capacity} tokens evenly over {@code period} (so a limited caller gets one try back every
 * {@code period / capacity}, never locked out for good). The buckets live in the service's MongoDB database, so
 * every replica shares them.
 *
 * @param enabled        off only for a benchmark; every limit holds otherwise
 * @param collection     the Mongo collection of buckets (a TTL index removes buckets that have refilled)
 * @param trustedProxies CIDRs (or single addresses) of the reverse proxies whose {@code X-Forwarded-For} names the
 *                       client; a request from any other address is keyed by its socket's remote address
 * @param limits         the limits by name; code and {@link #paths} refer to them by name
 * @param paths          limits applied to requests by method and path, keyed by client address
 */
@ConfigurationProperties("roster.rate-limits")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("rate-limit-buckets") String collection,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue Map<String, Limit> limits,
        @DefaultValue List<PathLimit> paths) {

    /** A bucket of {@code capacity} tokens refilled evenly over {@code period}. */
    public record Limit(long capacity, Duration period) {
    }

    /** What a {@link PathLimit} counts. */
    public enum Counting {
        /** every request (sign-up, reset requests) */
        ALL,
        /** only requests answered with one of the failure statuses (unknown tokens); an exhausted limit refuses all */
        FAILURES
    }

    /**
     * @param limit           the name of a limit in {@link #limits}
     * @param method          the HTTP method
     * @param path            a Spring path pattern, e.g. {@code /api/v1/invitations/{token}}
     * @param counting        what is counted
     * @param failureStatuses for {@link Counting#FAILURES}: the statuses that count (default 404)
     */
    public record PathLimit(String limit, String method, String path, @DefaultValue("ALL") Counting counting,
                            @DefaultValue("404") List<Integer> failureStatuses) {
    }
}
