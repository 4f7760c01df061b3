package io.roster.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Real Kafka (the official Apache image, KRaft) and MongoDB (a single-node replica set) in containers,
 * started once per JVM, for the Testcontainers variants of the service tests. Only usable where a
 * Docker engine runs: those tests carry {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
public final class ContainerInfrastructure {

    public static final String KAFKA_IMAGE = "apache/kafka:3.9.1";
    public static final String MONGO_IMAGE = "mongo:7.0";

    private static KafkaContainer kafka;
    private static MongoDBContainer mongo;

    private ContainerInfrastructure() {
    }

    public static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
            kafka.start();
        }
        return kafka.getBootstrapServers();
    }

    public static synchronized String mongoUri() {
        if (mongo == null) {
            mongo = new MongoDBContainer(DockerImageName.parse(MONGO_IMAGE));
            mongo.start();
        }
        return mongo.getConnectionString();
    }
}
