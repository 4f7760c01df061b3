package io.roster.query.consumer;

import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.ConsumerDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The projections' consumer, run by service-kit's consumer runtime: the three event topics a poll at a time (up to
 * {@code max-poll-records}), in the group {@code spring.kafka.consumer.group-id} ({@code query-service-v1}). A batch
 * costs one read of the applied sequences of its aggregates and one bulk write of the new ones, plus the bulk writes
 * the projections held back. The runtime owns the failure policy: MongoDB away is waited out (nothing skipped), a
 * record that can never be applied is dead-lettered and its aggregate's later events wait, an event after a gap waits
 * for the missing one.
 */
@Configuration(proxyBeanMethods = false)
public class EventConsumer {

    @Bean
    ConsumerDefinition projectionsConsumer(ProjectionHandlers handlers, AppliedSequences appliedSequences,
                                           @Value("${spring.kafka.consumer.group-id}") String group) {
        return ConsumerDefinition.batches(group, ProjectionHandlers.TOPICS, handlers.table(), appliedSequences, handlers);
    }
}
