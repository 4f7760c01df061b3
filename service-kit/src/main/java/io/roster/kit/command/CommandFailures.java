package io.roster.kit.command;

import io.roster.events.ProblemCode;
import io.roster.kit.web.ApiProblem;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * What a command's failure means to whoever sent it, decided here once for every service (as AxonIQ's
 * distributed-exceptions sample translates at one spot): an aggregate that does not exist is 404 {@code not_found},
 * an optimistic-locking race still lost after the retries is 409 {@code conflict}, and a rule's refusal
 * ({@code RuleViolation}, {@code ApiProblem}) passes as the handler threw it.
 */
final class CommandFailures {

    private CommandFailures() {
    }

    /**
     * A lost optimistic-locking race: another process (or a stale cached copy) appended to the aggregate first, and
     * the event store's unique (aggregate, sequence) index refused the append, which Axon reports as a
     * {@link ConcurrencyException}. Sending the command again loads the aggregate afresh and applies the rules to
     * the new state; nothing else is worth another attempt.
     */
    static boolean isLostRace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    /** A lost race, or a new aggregate whose id another process took first (which no retry can change). */
    static boolean isConflict(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConcurrencyException || cause instanceof AggregateStreamCreationException) {
                return true;
            }
        }
        return false;
    }

    static RuntimeException translate(RuntimeException failure) {
        RuntimeException cause = unwrap(failure);
        if (cause instanceof AggregateNotFoundException notFound) {
            return ApiProblem.nothingWithId(notFound.getAggregateIdentifier());
        }
        if (isConflict(cause)) {
            return new ApiProblem(ProblemCode.CONFLICT,
                    "Another request changed the same thing at the same moment; send yours again.");
        }
        return cause;
    }

    /** Axon wraps a handler's checked exceptions; the failure underneath is the one to answer. */
    private static RuntimeException unwrap(RuntimeException failure) {
        RuntimeException current = failure;
        while (current instanceof CommandExecutionException && current.getCause() instanceof RuntimeException cause) {
            current = cause;
        }
        return current;
    }
}
