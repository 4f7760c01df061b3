package io.roster.notification.trigger;

import com.mongodb.client.MongoDatabase;
import io.roster.events.Topics;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.ConsumerDefinition;
import io.roster.kit.consumer.EventHandlers;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * Reads the identity and invitation topics through service-kit's consumer runtime, a poll at a time. It never sends an email itself:
 * {@link EventIntake} records what is owed (in MongoDB, before the offset is committed) and returns, so a slow or
 * dead SMTP server never stops the reading of events. While MongoDB is unreachable the runtime waits (nothing is
 * skipped, readiness DOWN); a record that can never be taken in is dead-lettered and its aggregate's later events
 * wait behind it.
 */
@Configuration(proxyBeanMethods = false)
class EventConsumer {

    private static final List<String> TOPICS = List.of(Topics.IDENTITY, Topics.INVITATION);

    @Bean
    ConsumerDefinition notificationTriggersConsumer(EventIntake intake, HeldDeliveries deliveries, MongoDatabase database,
                                                    @Value("${spring.kafka.consumer.group-id}") String group) {
        // the intake tells the events apart itself: the users, organizations and memberships it keeps, and the emails.
        // A poll is taken as one batch: the applied sequences are read once and written once per poll, not per record
        // (2 of the 8 MongoDB commands an email cost), and its deliveries are recorded in one write at its end; each
        // write is idempotent (a delivery is keyed by its event id), so a batch that comes again records nothing twice
        return ConsumerDefinition.batches(group, TOPICS,
                EventHandlers.builder()
                        .onEveryEventOf(TOPICS, (event, envelope) -> intake.takeIn(envelope, envelope.type().context().topic()))
                        .build(),
                new AppliedSequences(database, "applied-sequences-v1"), deliveries);
    }
}
