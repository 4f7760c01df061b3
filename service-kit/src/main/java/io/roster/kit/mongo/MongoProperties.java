package io.roster.kit.mongo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The MongoDB a service keeps its data in: a URI (a replica set in production) and its own database. */
@ConfigurationProperties("roster.mongo")
public record MongoProperties(String uri, String database) {
}
