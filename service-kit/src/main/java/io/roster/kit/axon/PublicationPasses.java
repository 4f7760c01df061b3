package io.roster.kit.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.CloudEventsKafkaCodec;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Starts {@link PublicationPass}es, each counting the events it had to read back from the event store in
 * {@code roster_relay_repaired_events_total}, tagged by who found them: {@code order} (the relay, before a later event
 * of the same aggregate), {@code sweep} ({@link RelaySweep}) or {@code operator} (the relay check's republish).
 */
class PublicationPasses {

    enum RepairedBy { ORDER, SWEEP, OPERATOR }

    private final KafkaTemplate<String, byte[]> kafka;
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final PublishedSequences published;
    private final UnpublishedEvents unpublished;
    private final MeterRegistry meters;

    PublicationPasses(KafkaTemplate<String, byte[]> kafka, PublishedSequences published, UnpublishedEvents unpublished,
                      MeterRegistry meters) {
        this.kafka = kafka;
        this.published = published;
        this.unpublished = unpublished;
        this.meters = meters;
        // each at zero from start-up, so that a rate sees the first repair
        for (RepairedBy by : RepairedBy.values()) {
            repaired(by);
        }
    }

    PublicationPass start(RepairedBy by) {
        return new PublicationPass(kafka, codec, published, unpublished, repaired(by));
    }

    private Counter repaired(RepairedBy by) {
        return Counter.builder("roster.relay.repaired.events")
                .description("Stored events the relay's tracking processor did not deliver in order, published from the event store")
                .tag("by", by.name().toLowerCase(java.util.Locale.ROOT))
                .register(meters);
    }
}
