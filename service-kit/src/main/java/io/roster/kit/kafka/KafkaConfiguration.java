package io.roster.kit.kafka;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import io.roster.events.Topics;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.concurrent.TimeUnit;

/**
 * The event topics and their dead letter topics, created when missing, and Kafka's health for the
 * readiness group (the cluster answers within two seconds).
 *
 * <p>Every topic is created with {@code retention.ms=-1} (and the broker's default {@code retention.bytes=-1}):
 * no record is ever deleted, because the topics are the replay source: the query service rebuilds its
 * projections by reading them from offset 0, and a new consumer starts from the first event. A topic that
 * exists already keeps its own configuration; docker-compose and the Strimzi {@code KafkaTopic}s set the same.
 * {@code min.insync.replicas} is set on the topics too when {@code roster.kafka.topics.min-insync-replicas} is given
 * (see {@link TopicsProperties}).
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(TopicsProperties.class)
public class KafkaConfiguration {

    @Bean
    KafkaAdmin.NewTopics rosterTopics(TopicsProperties topics) {
        return new KafkaAdmin.NewTopics(eventTopics(topics).toArray(NewTopic[]::new));
    }

    /** Every event topic and its dead letter topic. */
    static java.util.List<NewTopic> eventTopics(TopicsProperties topics) {
        return Topics.EVENT_TOPICS.stream()
                .flatMap(name -> java.util.stream.Stream.of(name, Topics.deadLetter(name)))
                .map(name -> new NewTopic(name, topics.partitions(), topics.replicationFactor()).configs(topicConfig(topics)))
                .toList();
    }

    /** Every record kept; {@code min.insync.replicas} only when configured (else the broker's default applies). */
    static java.util.Map<String, String> topicConfig(TopicsProperties topics) {
        java.util.Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        if (topics.minInsyncReplicas() != null) {
            config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(topics.minInsyncReplicas()));
        }
        return config;
    }

    @Bean(destroyMethod = "close")
    AdminClient healthAdminClient(KafkaAdmin admin) {
        return AdminClient.create(admin.getConfigurationProperties());
    }

    @Bean("kafka")
    HealthIndicator kafkaHealthIndicator(AdminClient healthAdminClient) {
        return new AbstractHealthIndicator("Kafka health check failed") {
            @Override
            protected void doHealthCheck(Health.Builder builder) throws Exception {
                String clusterId = healthAdminClient.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                        .clusterId().get(3, TimeUnit.SECONDS);
                builder.up().withDetail("clusterId", clusterId);
            }
        };
    }
}
