package io.roster.kit.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Tuning of the event store to Kafka relay. */
@ConfigurationProperties("roster.relay")
public record RelayProperties(@DefaultValue("200") int batchSize) {
}
