package io.roster.kit.axon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import io.roster.events.EventJson;
import io.roster.kit.mongo.MongoProperties;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The command services' Axon wiring, by hand because the Mongo extension's Spring Boot
 * auto-configuration does not exist for 4.11+: the Mongo event store and token store, the contract's
 * JSON for events, and the tracking processor that relays the event store to Kafka.
 */
@AutoConfiguration(beforeName = "org.axonframework.springboot.autoconfig.AxonAutoConfiguration")
@ConditionalOnClass({MongoEventStorageEngine.class, EventStore.class})
@EnableConfigurationProperties(RelayProperties.class)
public class AxonMongoConfiguration {

    @Bean
    MongoTemplate axonMongoTemplate(MongoClient client, MongoProperties properties) {
        return DefaultMongoTemplate.builder().mongoDatabase(client, properties.database()).build();
    }

    /** Events are stored in the same JSON as on Kafka, with the contract's revisions. */
    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return JacksonSerializer.builder()
                .objectMapper(EventJson.configure(new ObjectMapper()))
                .revisionResolver(new RosterRevisionResolver())
                .defaultTyping()
                .build();
    }

    /** Tokens, snapshots and other internal messages. */
    @Bean
    @Primary
    Serializer serializer() {
        return JacksonSerializer.builder()
                .objectMapper(EventJson.configure(new ObjectMapper()))
                .defaultTyping()
                .build();
    }

    @Bean
    EventStorageEngine eventStorageEngine(MongoTemplate axonMongoTemplate,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          Serializer serializer) {
        return MongoEventStorageEngine.builder()
                .mongoTemplate(axonMongoTemplate)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(serializer)
                .build();
    }

    @Bean
    TokenStore tokenStore(MongoTemplate axonMongoTemplate, Serializer serializer) {
        return MongoTokenStore.builder()
                .mongoTemplate(axonMongoTemplate)
                .serializer(serializer)
                .build();
    }

    @Bean
    EventStoreKafkaRelay eventStoreKafkaRelay(KafkaTemplate<String, byte[]> kafkaTemplate) {
        return new EventStoreKafkaRelay(kafkaTemplate);
    }

    /** One thread, one segment: Kafka keeps per-aggregate order only if the relay does. */
    @Bean
    ConfigurerModule kafkaRelayProcessor(RelayProperties relay) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerTrackingEventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP,
                        c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(relay.batchSize()))
                .registerListenerInvocationErrorHandler(EventStoreKafkaRelay.PROCESSING_GROUP,
                        c -> PropagatingErrorHandler.instance()));
    }

    /** Publishes every stored event again (a token reset of the relay), for consumers rebuilding from Kafka. */
    @Bean
    RelayRepublisher relayRepublisher(ObjectProvider<EventProcessingConfiguration> processing) {
        return new RelayRepublisher(processing);
    }
}
