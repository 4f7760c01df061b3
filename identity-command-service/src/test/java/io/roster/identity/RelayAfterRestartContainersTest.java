package io.roster.identity;

import io.roster.testsupport.ContainerInfrastructure;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link RelayAfterRestartContract} on real Kafka and MongoDB images; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class RelayAfterRestartContainersTest extends RelayAfterRestartContract {

    @Override
    String kafkaBootstrapServers() {
        return ContainerInfrastructure.kafkaBootstrapServers();
    }

    @Override
    String mongoUri() {
        return ContainerInfrastructure.mongoUri();
    }
}
