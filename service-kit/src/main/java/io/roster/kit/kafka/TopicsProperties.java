package io.roster.kit.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the event topics are created when missing. Records are kept forever (retention -1): the topics
 * are the replay source of the projections.
 */
@ConfigurationProperties("roster.kafka.topics")
public record TopicsProperties(@DefaultValue("6") int partitions,
                               @DefaultValue("1") short replicationFactor) {
}
