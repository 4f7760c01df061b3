package io.roster.notification.trigger;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads the identity and invitation topics for the events that call for an email. Unreadable records
 * go to the dead letter topic through the shared error handler.
 */
@Component
class EventConsumer {

    private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();

    @KafkaListener(id = "notification-triggers", topics = {Topics.IDENTITY, Topics.INVITATION})
    void consume(ConsumerRecord<String, byte[]> record) {
        EventEnvelope envelope = codec.decode(record);
        // The emails themselves arrive with the notifications issue; until then every event is read and checked.
        log.debug("{} {} of {} needs no email yet", envelope.type().name(), envelope.event().eventId(), envelope.aggregateId());
    }
}
