package io.roster.kit.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.kit.web.TooManyRequests;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named limits of {@link RateLimitProperties}, over buckets shared by every replica. Blocking (MongoDB): call it
 * off the event loop. Keys are stored only as SHA-256 hashes, so the collection never holds an address or an email.
 * A refusal is a {@link TooManyRequests} (429 {@code rate_limited} with {@code Retry-After}) and counts in
 * {@code roster.rate.limit.refusals{limit}}.
 */
public class RateLimiter {

    public static final String REFUSALS_METRIC = "roster.rate.limit.refusals";

    private final ProxyManager<String> buckets;
    private final boolean enabled;
    private final Map<String, BucketConfiguration> limits = new LinkedHashMap<>();
    private final Map<String, Counter> refusals = new LinkedHashMap<>();

    public RateLimiter(ProxyManager<String> buckets, RateLimitProperties properties, MeterRegistry meters) {
        this.buckets = buckets;
        this.enabled = properties.enabled();
        properties.limits().forEach((name, limit) -> {
            if (limit.capacity() < 1 || limit.period() == null || limit.period().isZero() || limit.period().isNegative()) {
                throw new IllegalArgumentException("roster.rate-limits.limits." + name + " needs a capacity >= 1 and a positive period");
            }
            limits.put(name, BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build())
                    .build());
            refusals.put(name, Counter.builder(REFUSALS_METRIC).tag("limit", name)
                    .description("requests refused with 429 rate_limited, by limit").register(meters));
        });
    }

    public boolean defines(String limit) {
        return limits.containsKey(limit);
    }

    /** Spends {@code tokens} of the caller's bucket, or refuses (spending nothing) when it has fewer. */
    public void spend(String limit, String key, long tokens) {
        BucketConfiguration configuration = configuration(limit);
        if (configuration == null) {
            return;
        }
        ConsumptionProbe probe = buckets.getProxy(bucketKey(limit, key), () -> configuration).tryConsumeAndReturnRemaining(tokens);
        if (!probe.isConsumed()) {
            throw refuse(limit, probe.getNanosToWaitForRefill());
        }
    }

    /** Refuses when the caller's bucket is empty, spending nothing: for limits that count failures only. */
    public void requireAvailable(String limit, String key) {
        BucketConfiguration configuration = configuration(limit);
        if (configuration == null) {
            return;
        }
        EstimationProbe probe = buckets.getProxy(bucketKey(limit, key), () -> configuration).estimateAbilityToConsume(1);
        if (!probe.canBeConsumed()) {
            throw refuse(limit, probe.getNanosToWaitForRefill());
        }
    }

    /** Counts one failure against the caller (spends a token if there is one). */
    public void recordFailure(String limit, String key) {
        BucketConfiguration configuration = configuration(limit);
        if (configuration != null) {
            buckets.getProxy(bucketKey(limit, key), () -> configuration).tryConsume(1);
        }
    }

    private BucketConfiguration configuration(String limit) {
        if (!enabled) {
            return null;
        }
        BucketConfiguration configuration = limits.get(limit);
        if (configuration == null) {
            throw new IllegalStateException("no rate limit named " + limit + " in roster.rate-limits.limits");
        }
        return configuration;
    }

    private TooManyRequests refuse(String limit, long nanosToWait) {
        refusals.get(limit).increment();
        // more tokens than the bucket holds never fit: Bucket4j says "forever"; a day is as good an answer
        return new TooManyRequests(nanosToWait == Long.MAX_VALUE ? Duration.ofDays(1) : Duration.ofNanos(nanosToWait));
    }

    private static String bucketKey(String limit, String key) {
        try {
            return limit + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
