package io.roster.kit.failure;

import com.mongodb.MongoClientException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

import java.util.concurrent.TimeoutException;

/**
 * Tells a failure of the infrastructure (MongoDB or Kafka unreachable, a timeout) from a failure of the record
 * itself. The first passes: the record is retried for as long as it takes and never dead-lettered. The second
 * does not: a record that fails the same way on every attempt is dead-lettered and its aggregate waits.
 * The whole cause chain is searched, because the failure usually arrives wrapped (by spring-kafka, by Axon's
 * command gateway, by an event store).
 */
public final class InfrastructureFailures {

    /**
     * Server error codes that mean "not now" (a node shutting down or stepping down, a network timeout): HostUnreachable,
     * HostNotFound, MaxTimeMSExpired, NetworkTimeout, ShutdownInProgress, PrimarySteppedDown, ExceededTimeLimit,
     * SocketException, NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange,
     * NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary.
     */
    private static final java.util.Set<Integer> TRANSIENT_SERVER_CODES = java.util.Set.of(6, 7, 50, 89, 91, 189, 262, 9001,
            10107, 11600, 11602, 13435, 13436);
    /** Axon's transient failures (it is optional on the classpath of service-kit). */
    private static final String AXON_TRANSIENT = "org.axonframework.common.AxonTransientException";

    private InfrastructureFailures() {
    }

    public static boolean isInfrastructure(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 32; cause = cause.getCause() == cause ? null : cause.getCause(), depth++) {
            if (isInfrastructureItself(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isInfrastructureItself(Throwable cause) {
        if (cause instanceof MongoSocketException || cause instanceof MongoTimeoutException
                || cause instanceof MongoExecutionTimeoutException || cause instanceof MongoNotPrimaryException
                || cause instanceof MongoNodeIsRecoveringException || cause instanceof MongoServerUnavailableException
                || cause instanceof MongoConnectionPoolClearedException || cause instanceof MongoInterruptedException
                || cause instanceof MongoWriteConcernException) {
            return true;
        }
        if (cause instanceof MongoClientException && cause.getMessage() != null && cause.getMessage().contains("state should be: open")) {
            return true; // a client closed under the consumer while the service stops
        }
        if (cause instanceof MongoException mongo && (mongo.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || mongo.hasErrorLabel("RetryableWriteError") || mongo.hasErrorLabel("NoWritesPerformed"))) {
            return true;
        }
        if (cause instanceof com.mongodb.MongoServerException server && TRANSIENT_SERVER_CODES.contains(server.getCode())) {
            return true;
        }
        // a command path that translated an outage into a problem answer (503, 504) for its HTTP callers (the kit's
        // ApiProblem is an ErrorResponse, so this package needs nothing of the web package)
        if (cause instanceof org.springframework.web.ErrorResponse answer
                && (answer.getStatusCode().value() == 503 || answer.getStatusCode().value() == 504)) {
            return true;
        }
        if (cause instanceof RetriableException || cause instanceof org.apache.kafka.common.errors.TimeoutException
                || cause instanceof org.apache.kafka.common.errors.DisconnectException) {
            return true;
        }
        // network trouble only: an IOException in general is also bad data (Jackson's JsonProcessingException is one)
        if (cause instanceof TimeoutException || cause instanceof java.net.SocketException
                || cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.UnknownHostException
                || cause instanceof java.nio.channels.ClosedChannelException || cause instanceof java.io.InterruptedIOException) {
            return true;
        }
        if (cause instanceof DataAccessResourceFailureException || cause instanceof TransientDataAccessException
                || cause instanceof RecoverableDataAccessException) {
            return true;
        }
        return isA(cause, AXON_TRANSIENT);
    }

    private static boolean isA(Throwable cause, String className) {
        for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
