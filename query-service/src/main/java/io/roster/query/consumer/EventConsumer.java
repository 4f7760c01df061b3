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
public class EventConsumer {

    /** The listener container's id: a rebuild pauses it to switch versions (see the rebuild package). */
    public static final String LISTENER_ID = "query-projections";

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final EventApplier applier;

    EventConsumer(EventApplier applier) {
        this.applier = applier;
    }

    // the group is named explicitly: without it spring-kafka would use the listener's id as the group
    // ("query-projections"), and spring.kafka.consumer.group-id (ROSTER_QUERY_CONSUMER_GROUP) would do nothing
    @KafkaListener(id = LISTENER_ID, groupId = "${spring.kafka.consumer.group-id}",
            topics = {Topics.IDENTITY, Topics.INVITATION, Topics.NOTIFICATION})
    void consume(ConsumerRecord<String, byte[]> record) {
        applier.apply(codec.decode(record));
    }
}
