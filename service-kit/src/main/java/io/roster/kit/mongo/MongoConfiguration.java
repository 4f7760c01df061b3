package io.roster.kit.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsCommandListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;
import org.bson.Document;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.util.concurrent.TimeUnit;

/**
 * The service's own MongoClient (Boot's would silently target localhost) and a health check that pings
 * it, which the readiness group includes. The client reports to Actuator's Mongo listeners, as Boot's own
 * would: the driver's command and connection-pool metrics ({@code mongodb_driver_commands_seconds},
 * {@code mongodb_driver_pool_*}). Boot's other client-settings customizers are not applied: its standard one
 * would point the client back at {@code spring.data.mongodb.uri}.
 */
@AutoConfiguration(before = MongoAutoConfiguration.class)
@EnableConfigurationProperties(MongoProperties.class)
public class MongoConfiguration {

    @Bean(destroyMethod = "close")
    MongoClient mongoClient(MongoProperties properties, ObjectProvider<MongoMetricsCommandListener> commandMetrics,
                            ObjectProvider<MongoMetricsConnectionPoolListener> poolMetrics) {
        MongoClientSettings.Builder settings = settings(properties);
        commandMetrics.ifAvailable(settings::addCommandListener);
        poolMetrics.ifAvailable(listener -> settings.applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(listener)));
        return MongoClients.create(settings.build());
    }

    /** The client's settings: the URI's, with bounded waits where the URI sets none. */
    public static MongoClientSettings.Builder settings(MongoProperties properties) {
        ConnectionString uri = new ConnectionString(properties.uri());
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS));
        if (uri.getSocketTimeout() == null) {
            settings.applyToSocketSettings(socket -> socket.readTimeout(properties.readTimeout().toMillis(), TimeUnit.MILLISECONDS));
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
