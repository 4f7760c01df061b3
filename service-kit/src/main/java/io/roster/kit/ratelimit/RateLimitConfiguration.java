package io.roster.kit.ratelimit;

import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.roster.kit.mongo.MongoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The rate limits ({@code roster.rate-limits.*}) of every reactive web service with a Mongo database. */
@AutoConfiguration(after = MongoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(MongoDatabase.class)
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimitConfiguration {

    @Bean
    ClientAddresses clientAddresses(RateLimitProperties properties) {
        return new ClientAddresses(properties.trustedProxies());
    }

    @Bean
    RateLimiter rateLimiter(MongoDatabase database, RateLimitProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new RateLimiter(new MongoBuckets(database.getCollection(properties.collection())), properties,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter limiter, ClientAddresses clients, RateLimitProperties properties) {
        return new RateLimitFilter(limiter, clients, properties.paths());
    }
}
