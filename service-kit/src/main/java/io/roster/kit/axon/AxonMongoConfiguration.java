package io.roster.kit.axon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;

/**
 * The command services' Axon wiring, by hand because the Mongo extension's Spring Boot
 * auto-configuration does not exist for 4.11+: the Mongo event store and token store, the contract's
 * JSON for events, and the relay of the event store to Kafka: its tracking processor, the sweep that publishes what
 * the processor passed, the relay lag, and the operator's check of store against topic.
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

    /** Every Roster event is stored flagged as waiting for Kafka (see {@link OutboxStorageStrategy}). */
    @Bean
    EventStorageEngine eventStorageEngine(MongoTemplate axonMongoTemplate,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          Serializer serializer, RelayProperties relay) {
        return MongoEventStorageEngine.builder()
                .mongoTemplate(axonMongoTemplate)
                .storageStrategy(new OutboxStorageStrategy(relay.lookBack()))
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
    UnpublishedEvents unpublishedEvents(MongoTemplate axonMongoTemplate, EventStorageEngine eventStorageEngine) {
        return new UnpublishedEvents(axonMongoTemplate, eventStorageEngine);
    }

    @Bean
    PublicationPasses publicationPasses(KafkaTemplate<String, byte[]> kafkaTemplate, MongoDatabase mongoDatabase,
                                        UnpublishedEvents unpublishedEvents, MeterRegistry meters) {
        return new PublicationPasses(kafkaTemplate, new PublishedSequences(mongoDatabase), unpublishedEvents, meters);
    }

    @Bean
    EventStoreKafkaRelay eventStoreKafkaRelay(PublicationPasses publicationPasses) {
        return new EventStoreKafkaRelay(publicationPasses);
    }

    @Bean
    RelayLag relayLag(UnpublishedEvents unpublishedEvents, MeterRegistry meters) {
        return new RelayLag(unpublishedEvents, meters, Clock.systemUTC());
    }

    /** Publishes what the relay's tracking processor passed for good, and refreshes the relay lag. */
    @Bean
    RelaySweep relaySweep(ObjectProvider<EventProcessingConfiguration> processing, UnpublishedEvents unpublishedEvents,
                          PublicationPasses publicationPasses, RelayLag relayLag, RelayProperties relay) {
        return new RelaySweep(processing, unpublishedEvents, publicationPasses, relayLag, relay);
    }

    @Bean
    @SuppressWarnings("unchecked")
    RelayVerification relayVerification(UnpublishedEvents unpublishedEvents, ConsumerFactory<?, ?> consumers,
                                        PublicationPasses publicationPasses, RelayProperties relay) {
        return new RelayVerification(unpublishedEvents, (ConsumerFactory<String, byte[]>) consumers, publicationPasses,
                relay.verifyTimeout());
    }

    /** {@code GET}/{@code POST /api/v1/admin/relay/verify} on every command service. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    RelayVerifyController relayVerifyController(RelayVerification relayVerification) {
        return new RelayVerifyController(relayVerification);
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
    RelayRepublisher relayRepublisher(ObjectProvider<EventProcessingConfiguration> processing, MongoDatabase mongoDatabase) {
        return new RelayRepublisher(processing, new PublishedSequences(mongoDatabase));
    }
}
