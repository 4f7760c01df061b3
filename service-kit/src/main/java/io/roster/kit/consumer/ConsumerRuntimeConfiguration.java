package io.roster.kit.consumer;

import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.List;

/**
 * The consumer runtime of every service: one {@link ConsumerRuntime} per {@link ConsumerDefinition} bean, their
 * readiness ({@code consumers}), and the dead-letter admin endpoints.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class, afterName = "io.roster.kit.mongo.MongoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
public class ConsumerRuntimeConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConsumerRuntime.RetryBackOff consumerRetryBackOff() {
        return ConsumerRuntime.RetryBackOff.standard();
    }

    @Bean
    @SuppressWarnings("unchecked")
    ConsumerRuntimes consumerRuntimes(ObjectProvider<ConsumerDefinition> definitions, ConsumerFactory<?, ?> consumers,
                                      MongoDatabase database, KafkaTemplate<String, byte[]> kafka, MeterRegistry meters,
                                      ConsumerRuntime.RetryBackOff backOff,
                                      ObjectProvider<ContainerCustomizer<?, ?, ?>> customizers,
                                      @Value("${spring.kafka.listener.auto-startup:true}") boolean autoStartup,
                                      @Value("${spring.kafka.listener.concurrency:1}") int concurrency) {
        List<ConsumerDefinition> all = definitions.orderedStream().toList();
        ConsumerRuntimes runtimes = new ConsumerRuntimes(all, (ConsumerFactory<String, byte[]>) consumers,
                new WaitingEvents(database), new DeadLetters(database, kafka, meters), meters, backOff, concurrency,
                container -> customizers.orderedStream().forEach(customizer ->
                        ((ContainerCustomizer<String, byte[], ConcurrentMessageListenerContainer<String, byte[]>>) customizer)
                                .configure(container)));
        runtimes.setAutoStartup(autoStartup);
        return runtimes;
    }

    @Bean("consumers")
    HealthIndicator consumersHealthIndicator(ConsumerRuntimes runtimes) {
        return new ConsumersHealthIndicator(runtimes);
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    DeadLetterController deadLetterController(ConsumerRuntimes runtimes) {
        return new DeadLetterController(runtimes);
    }
}
