package io.roster.notification.trigger;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads the identity and invitation topics. It never sends an email itself: it records what is owed
 * (in MongoDB, before the offset is committed) and returns, so a slow or dead SMTP server never stops
 * the reading of events. An unreadable record throws, and the shared error handler sends it to the
 * topic's dead letter topic at once and goes on.
 */
@Component
class EventConsumer {

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final EventIntake intake;

    EventConsumer(EventIntake intake) {
        this.intake = intake;
    }

    // the group is named explicitly: without it spring-kafka uses the listener's id as the group, and
    // spring.kafka.consumer.group-id (ROSTER_NOTIFICATION_CONSUMER_GROUP) would do nothing
    @KafkaListener(id = "notification-triggers", groupId = "${spring.kafka.consumer.group-id}",
            topics = {Topics.IDENTITY, Topics.INVITATION})
    void consume(ConsumerRecord<String, byte[]> record) {
        EventEnvelope envelope = codec.decode(record);
        try (var ignored = MDC.putCloseable("correlationId", envelope.correlationId())) {
            intake.accept(envelope, record.topic());
        }
    }
}
