package io.roster.kit.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Tuning of the event store to Kafka relay.
 *
 * @param batchSize     events per batch of the relay's tracking processor (one Kafka round trip, one token write)
 * @param lookBack      how far behind its position the tracking processor reads the store again (Axon's default, 1 s):
 *                      an event visible later than this after its timestamp is published by the sweep instead, up to
 *                      one sweep interval later. A longer look-back publishes such events sooner but makes every token
 *                      hold the ids of every event in that window (figures: the README's Benchmarks section)
 * @param sweepInterval how often the relay lag is refreshed and the sweep publishes what the processor passed
 * @param sweepLimit    events one sweep takes at most (the next sweep takes the rest)
 * @param verifyTimeout how long the operator's relay check may read the topics before it gives up
 */
@ConfigurationProperties("roster.relay")
public record RelayProperties(@DefaultValue("200") int batchSize,
                              @DefaultValue("PT1S") Duration lookBack,
                              @DefaultValue("PT1S") Duration sweepInterval,
                              @DefaultValue("1000") int sweepLimit,
                              @DefaultValue("PT5M") Duration verifyTimeout) {
}
