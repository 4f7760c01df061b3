package io.roster.kit.failure;

import com.fasterxml.jackson.core.JsonParseException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** What the runtime waits out (forever) and what it dead-letters after a few attempts. */
class InfrastructureFailuresTest {

    @Test
    void anUnreachableDatabaseOrBrokerOrATimeoutIsInfrastructureHoweverDeeplyWrapped() {
        assertThat(InfrastructureFailures.isInfrastructure(new ListenerExecutionFailedException("listener",
                new IllegalStateException("projection", new MongoTimeoutException("no server"))))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new MongoSocketOpenException("refused", new ServerAddress()))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new org.apache.kafka.common.errors.TimeoutException("broker"))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new RuntimeException(new TimeoutException("late")))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new DataAccessResourceFailureException("gone"))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new RuntimeException(new ConnectException("refused")))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new io.roster.kit.web.ApiProblem(
                io.roster.events.ProblemCode.SERVICE_UNAVAILABLE, "later"))).isTrue();
    }

    @Test
    void aFailureOfTheRecordItselfIsNot() {
        assertThat(InfrastructureFailures.isInfrastructure(new ListenerExecutionFailedException("listener",
                new IllegalArgumentException("bad payload")))).isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(new MongoWriteException(
                new WriteError(11000, "duplicate key", new BsonDocument()), new ServerAddress(), java.util.Set.of()))).isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(new io.roster.kit.web.ApiProblem(
                io.roster.events.ProblemCode.CONFLICT, "lost a race"))).isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(new UncheckedIOException(new JsonParseException(null, "bad json")))).isFalse();
    }
}
