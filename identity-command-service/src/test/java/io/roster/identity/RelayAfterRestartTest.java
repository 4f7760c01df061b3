package io.roster.identity;

import io.roster.testsupport.EmbeddedInfrastructure;

/** {@link RelayAfterRestartContract} on the in-JVM Kafka broker and Mongo-wire server. */
class RelayAfterRestartTest extends RelayAfterRestartContract {

    @Override
    String kafkaBootstrapServers() {
        return EmbeddedInfrastructure.kafkaBootstrapServers();
    }

    @Override
    String mongoUri() {
        return EmbeddedInfrastructure.mongoUri();
    }
}
