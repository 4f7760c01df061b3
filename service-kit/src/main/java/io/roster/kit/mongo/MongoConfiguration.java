package io.roster.kit.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.autoconfigure.mongo.StandardMongoClientSettingsBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.util.concurrent.TimeUnit;

/**
 * The service's own MongoClient (Boot's would silently target localhost) and a health check that pings
 * it, which the readiness group includes. Boot's {@link MongoClientSettingsBuilderCustomizer} beans are applied as
 * Boot's own client would apply them, after Roster's settings: Actuator's add the driver's command and
 * connection-pool metrics ({@code mongodb_driver_commands_seconds}, {@code mongodb_driver_pool_*}), and the tests'
 * add a command recorder (test-support's index coverage check). All but Boot's standard one, which would point the
 * client back at {@code spring.data.mongodb.uri}.
 *
 * <p>Everything a service writes or reads in MongoDB goes through this client (Axon's event and token store too, by
 * {@code AxonMongoConfiguration}'s template on it), so its write and read concerns in {@link #settings} are the
 * durability of the whole suite, set in this one place.
 */
@AutoConfiguration(before = MongoAutoConfiguration.class)
@EnableConfigurationProperties(MongoProperties.class)
public class MongoConfiguration {

    @Bean(destroyMethod = "close")
    MongoClient mongoClient(MongoProperties properties, ObjectProvider<MongoClientSettingsBuilderCustomizer> customizers) {
        MongoClientSettings.Builder settings = settings(properties);
        customizers.orderedStream()
                .filter(customizer -> !(customizer instanceof StandardMongoClientSettingsBuilderCustomizer))
                .forEach(customizer -> customizer.customize(settings));
        return MongoClients.create(settings.build());
    }

    /**
     * What every write waits for unless the URI says otherwise ({@code w}, {@code journal} or {@code wtimeoutMS}): a
     * majority of the replica set has it in its journal. With the driver's default (the primary alone, in memory) a
     * failover rolls back writes that were already acknowledged, and the relay may already have put their events on
     * Kafka: an event consumers applied that the store no longer has.
     */
    public static final WriteConcern DEFAULT_WRITE_CONCERN = WriteConcern.MAJORITY.withJournal(true);

    /**
     * What every read sees unless the URI sets {@code readConcernLevel}: only writes a majority acknowledged, which no
     * failover rolls back. The relay reads the event store this way, so it never publishes an event that a failover
     * could take back; projections and lookups never act on one either.
     */
    public static final ReadConcern DEFAULT_READ_CONCERN = ReadConcern.MAJORITY;

    /**
     * The client's settings: the URI's, with bounded waits, majority write and read concerns and retryable writes where
     * the URI sets none of them (a URI setting always wins, so an operator can change one without a release).
     */
    public static MongoClientSettings.Builder settings(MongoProperties properties) {
        ConnectionString uri = new ConnectionString(properties.uri());
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS));
        if (uri.getSocketTimeout() == null) {
            settings.applyToSocketSettings(socket -> socket.readTimeout(properties.readTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (uri.getWriteConcern() == null) {
            settings.writeConcern(DEFAULT_WRITE_CONCERN);
        }
        if (uri.getReadConcern() == null) {
            settings.readConcern(DEFAULT_READ_CONCERN);
        }
        if (uri.getRetryWritesValue() == null) {
            // the driver's default too, said here so that nothing in between can turn it off unnoticed: a write whose
            // answer a failover lost is sent once more to the new primary, which applies it at most once
            settings.retryWrites(true);
        }
        return settings;
    }

    @Bean
    MongoDatabase mongoDatabase(MongoClient client, MongoProperties properties) {
        return client.getDatabase(properties.database());
    }

    @Bean("mongo")
    HealthIndicator mongoHealthIndicator(MongoDatabase database) {
        return new AbstractHealthIndicator("MongoDB health check failed") {
            @Override
            protected void doHealthCheck(Health.Builder builder) {
                // bounded, so that a lost MongoDB makes readiness DOWN quickly instead of hanging the probe
                database.withTimeout(2, TimeUnit.SECONDS).runCommand(new Document("ping", 1));
                builder.up().withDetail("database", database.getName());
            }
        };
    }
}
