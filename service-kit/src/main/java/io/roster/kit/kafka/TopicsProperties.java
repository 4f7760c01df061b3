package io.roster.kit.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the event topics are created when missing. Records are kept forever (retention -1): the topics
 * are the replay source of the projections.
 *
 * @param minInsyncReplicas the topics' {@code min.insync.replicas}, or null for the broker's default. With the
 *                          producer's {@code acks=all}, Kafka acknowledges a record only once this many replicas hold
 *                          it: with 3 replicas and 2 here, a record survives the loss of any one broker, and while
 *                          only one broker is left nothing is acknowledged (the relay keeps the events pending in the
 *                          store and publishes them when a second replica is back)
 */
@ConfigurationProperties("roster.kafka.topics")
public record TopicsProperties(@DefaultValue("6") int partitions,
                               @DefaultValue("1") short replicationFactor,
                               Integer minInsyncReplicas) {

    public TopicsProperties {
        if (minInsyncReplicas != null && (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor)) {
            // more than the replicas would refuse every record for good
            throw new IllegalArgumentException("roster.kafka.topics.min-insync-replicas must be between 1 and the "
                    + "replication factor " + replicationFactor + ", got " + minInsyncReplicas);
        }
    }
}
