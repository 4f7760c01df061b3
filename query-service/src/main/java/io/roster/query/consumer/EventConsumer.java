package io.roster.query.consumer;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.UnreadableEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the three event topics a poll at a time (up to {@code max-poll-records}), so the applied
 * sequences cost two round trips per batch instead of two per event. A record that is not a readable
 * event, or whose projections fail, ends the batch with a {@link BatchListenerFailedException} naming it:
 * the records before it are applied and committed, and the error handler retries or dead-letters exactly
 * that record and goes on with the ones after it. Nothing is skipped silently.
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
    @KafkaListener(id = LISTENER_ID, groupId = "${spring.kafka.consumer.group-id}", batch = "true",
            topics = {Topics.IDENTITY, Topics.INVITATION, Topics.NOTIFICATION})
    void consume(List<ConsumerRecord<String, byte[]>> records) {
        List<EventEnvelope> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                events.add(codec.decode(record));
            } catch (UnreadableEventException unreadable) {
                apply(events);
                throw new BatchListenerFailedException("Unreadable record", unreadable, events.size());
            }
        }
        apply(events);
    }

    private void apply(List<EventEnvelope> events) {
        try {
            applier.apply(events);
        } catch (EventApplier.Failed failed) {
            throw new BatchListenerFailedException("Cannot apply the event", failed.getCause(), failed.index());
        }
    }
}
