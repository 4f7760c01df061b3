package io.roster.kit.command;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import io.roster.kit.tracing.Traces;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The command path of the services that handle commands (those with Axon). */
@AutoConfiguration(afterName = "org.axonframework.springboot.autoconfig.AxonAutoConfiguration")
@ConditionalOnClass({CommandGateway.class, EventStore.class})
@EnableConfigurationProperties(CommandProperties.class)
public class CommandConfiguration {

    @Bean
    Commands commands(CommandGateway gateway, EventStore eventStore, CommandProperties properties,
                      ObjectProvider<MeterRegistry> meters) {
        return new Commands(gateway, eventStore, properties, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    CommandTypes commandTypes(ConfigurableListableBeanFactory beans, Commands commands) {
        return new CommandTypes(beans, commands);
    }

    /**
     * Copies a command's trace context and causing event into the events it appends (Axon's own MessageOriginProvider,
     * kept beside this one, copies the correlation id and makes the command's id the events' correlationId).
     */
    @Bean
    CorrelationDataProvider traceAndCausationProvider() {
        return traceAndCausation();
    }

    static CorrelationDataProvider traceAndCausation() {
        return new SimpleCorrelationDataProvider(Traces.TRACEPARENT, Traces.TRACESTATE, Commands.CAUSATION_ID);
    }
}
