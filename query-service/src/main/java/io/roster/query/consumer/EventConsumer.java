package io.roster.query.consumer;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads the three event topics. A record that is not a readable event throws, and the error handler
 * sends it to the dead letter topic; nothing is skipped silently.
 */
@Component
class EventConsumer {

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final EventApplier applier;

    EventConsumer(EventApplier applier) {
        this.applier = applier;
    }

    @KafkaListener(id = "query-projections", topics = {Topics.IDENTITY, Topics.INVITATION, Topics.NOTIFICATION})
    void consume(ConsumerRecord<String, byte[]> record) {
        applier.apply(codec.decode(record));
    }
}
