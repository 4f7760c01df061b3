package io.roster.kit.idempotency;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * The {@code Idempotency-Key} support of PRODUCT.md §2.
 *
 * @param enabled       off only to debug; every state-changing POST honours the header otherwise
 * @param collection    the Mongo collection of remembered requests (in the service's own database)
 * @param retention     how long a key is remembered (a TTL index removes records after it)
 * @param duplicateWait how long a duplicate waits for the first request's answer before a 409 {@code conflict}
 * @param lease         after this a request still "in progress" is taken as abandoned (its process died)
 * @param excludedPaths request paths never remembered: responses that must not be stored (access tokens)
 */
@ConfigurationProperties("roster.idempotency")
public record IdempotencyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("idempotency-keys") String collection,
        @DefaultValue("PT24H") Duration retention,
        @DefaultValue("PT5S") Duration duplicateWait,
        @DefaultValue("PT60S") Duration lease,
        @DefaultValue("") List<String> excludedPaths) {
}
