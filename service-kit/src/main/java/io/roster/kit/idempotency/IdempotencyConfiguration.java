package io.roster.kit.idempotency;

import com.mongodb.client.MongoDatabase;
import io.roster.kit.mongo.MongoConfiguration;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.secrets.SecretsConfiguration;
import io.roster.kit.web.WebLimits;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/** The {@link IdempotencyFilter} for every reactive web service with a Mongo database; {@code roster.idempotency.*}. */
@AutoConfiguration(after = {MongoConfiguration.class, SecretsConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(MongoDatabase.class)
@ConditionalOnProperty(prefix = "roster.idempotency", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(MongoDatabase database, IdempotencyProperties properties, ObjectProvider<Clock> clock,
                                      ObjectProvider<SecretBox> secrets) {
        return new IdempotencyStore(database, properties, clock.getIfAvailable(Clock::systemUTC), secrets.getIfAvailable());
    }

    @Bean
    IdempotencyFilter idempotencyFilter(IdempotencyStore store, IdempotencyProperties properties, WebLimits limits) {
        return new IdempotencyFilter(store, properties, limits.maxBodyBytes());
    }
}
