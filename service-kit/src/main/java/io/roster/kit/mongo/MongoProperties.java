package io.roster.kit.mongo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The MongoDB a service keeps its data in: a URI (a replica set in production) and its own database.
 *
 * @param readTimeout how long one operation may wait for the server's answer on its socket (unless the URI sets
 *                    {@code socketTimeoutMS}). The driver's default is to wait forever, so a partition that drops
 *                    packets without closing connections (a black hole) left requests and consumers hanging until
 *                    TCP gave up, and a consumer never showed itself not ready; with a bound they fail, and the
 *                    consumer runtime retries them as an outage.
 */
@ConfigurationProperties("roster.mongo")
public record MongoProperties(String uri, String database, @DefaultValue("PT15S") Duration readTimeout) {
}
