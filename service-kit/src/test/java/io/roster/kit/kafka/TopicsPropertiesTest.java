package io.roster.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The event topics' configuration as the services bind it from roster-kit.yml's environment variables. */
class TopicsPropertiesTest {

    private static TopicsProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("roster.kafka.topics", TopicsProperties.class);
    }

    @Test
    void anEmptyMinInsyncReplicasLeavesTheBrokersDefault() {
        // roster-kit.yml maps an unset ROSTER_KAFKA_MIN_INSYNC_REPLICAS to an empty value
        TopicsProperties topics = bind(Map.of("roster.kafka.topics.min-insync-replicas", ""));

        assertThat(topics.minInsyncReplicas()).isNull();
        assertThat(KafkaConfiguration.topicConfig(topics)).containsExactly(Map.entry("retention.ms", "-1"));
    }

    @Test
    void everyEventTopicAndItsDeadLetterTopicGetTheConfiguredMinInsyncReplicas() {
        TopicsProperties topics = bind(Map.of("roster.kafka.topics.replication-factor", "3",
                "roster.kafka.topics.min-insync-replicas", "2"));

        java.util.List<NewTopic> created = KafkaConfiguration.eventTopics(topics);

        assertThat(created).isNotEmpty().allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry("min.insync.replicas", "2").containsEntry("retention.ms", "-1");
        });
        assertThat(created).extracting(NewTopic::name).contains("roster.identity.v1", "roster.identity.v1.DLT");
    }

    @Test
    void moreInsyncReplicasThanReplicasIsRefused() {
        assertThatThrownBy(() -> new TopicsProperties(6, (short) 1, 2))
                .hasMessageContaining("min-insync-replicas must be between 1 and the replication factor 1, got 2");
    }
}
