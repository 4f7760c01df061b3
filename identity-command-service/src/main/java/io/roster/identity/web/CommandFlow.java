package io.roster.identity.web;

import io.roster.events.ProblemCode;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.correlation.CorrelationIdFilter;
import io.roster.kit.web.ApiProblem;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs the commands of one web request: off the event loop (the command bus blocks on the event store),
 * with the request's correlation id as the events' trace id, and with the Consistency-Token of every
 * aggregate the request changed (user creation touches the user and each organization it joins).
 *
 * <p>The sequence numbers come from the events themselves as they are appended (an interceptor on the event
 * store records them for the dispatching thread), so the token costs no extra read; a command that changed
 * nothing, or was retried on another thread, falls back to asking the event store.
 * Unknown aggregates answer {@code not_found}; a concurrent change that outlived the gateway's retries
 * answers 409 {@code conflict}.
 *
 * <p>{@link #afterCommand(Runnable)} lets an event handler of the command's unit of work put its own write
 * after the command, once the aggregate's lock is released but before the request is answered: commands
 * to one organization queue on that lock, so it should cover the event append alone.
 */
@Component
public class CommandFlow {

    private static final Logger log = LoggerFactory.getLogger(CommandFlow.class);
    private static final ThreadLocal<Map<String, Long>> RECORDING = new ThreadLocal<>();
    private static final ThreadLocal<List<Runnable>> AFTER_COMMAND = new ThreadLocal<>();

    private final CommandGateway gateway;
    private final EventStore eventStore;

    CommandFlow(CommandGateway gateway, EventStore eventStore) {
        this.gateway = gateway;
        this.eventStore = eventStore;
        eventStore.registerDispatchInterceptor(new SequenceRecorder());
    }

    /**
     * Runs {@code work} once the current command completed and released its aggregate, on this thread, before
     * the request is answered; at once when no request's command is running on this thread (the command came
     * from elsewhere, or is a retry on the gateway's retry thread).
     */
    public static void afterCommand(Runnable work) {
        List<Runnable> afterwards = AFTER_COMMAND.get();
        if (afterwards == null) {
            work.run();
        } else {
            afterwards.add(work);
        }
    }

    public <T> Mono<Outcome<T>> run(ServerWebExchange exchange, Function<Steps, T> work) {
        String traceId = CorrelationIdFilter.of(exchange);
        return Mono.fromCallable(() -> {
                    Steps steps = new Steps(MetaData.with("traceId", traceId));
                    T result = work.apply(steps);
                    return new Outcome<>(result, steps.consistencyToken());
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** What the request's work answered, and the token that lets a reader wait for its effects. */
    public record Outcome<T>(T result, String consistencyToken) {

        /** A response with the token header. */
        public <B> ResponseEntity<B> respond(ResponseEntity.BodyBuilder builder, B body) {
            if (consistencyToken != null) {
                builder.header(ConsistencyToken.HEADER, consistencyToken);
            }
            return builder.body(body);
        }
    }

    /** The commands of one request, in order; each waits for its result. */
    public final class Steps {

        private final MetaData metaData;
        private final Set<String> touched = new LinkedHashSet<>();
        private final Map<String, Long> sequences = new LinkedHashMap<>();

        private Steps(MetaData metaData) {
            this.metaData = metaData;
        }

        /**
         * Sends a command to the aggregate {@code aggregateId} (a {@code kind}, for the not-found message) and
         * answers the handler's result.
         */
        public <R> R send(Object command, UUID aggregateId, String kind) {
            R result = dispatch(command, aggregateId, kind, true);
            touched.add(aggregateId.toString());
            return result;
        }

        /** Sends a command that changes nothing (a rule check): it adds nothing to the token. */
        public <R> R check(Object command, UUID aggregateId, String kind) {
            return dispatch(command, aggregateId, kind, false);
        }

        private <R> R dispatch(Object command, UUID aggregateId, String kind, boolean record) {
            Map<String, Long> recorded = new HashMap<>();
            List<Runnable> afterwards = new ArrayList<>();
            RECORDING.set(recorded);
            AFTER_COMMAND.set(afterwards);
            try {
                R result = gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metaData));
                if (record) {
                    recorded.forEach((aggregate, sequence) -> sequences.merge(aggregate, sequence, Math::max));
                }
                return result;
            } catch (AggregateNotFoundException e) {
                throw ApiProblem.notFound("There is no " + kind + " " + aggregateId + ".");
            } catch (ConcurrencyException e) {
                throw new ApiProblem(ProblemCode.CONFLICT,
                        "The " + kind + " was changed by another request at the same moment; retry.");
            } finally {
                RECORDING.remove();
                AFTER_COMMAND.remove();
                // the events are stored even when the command then failed: what follows them happens regardless
                afterwards.forEach(CommandFlow::runLogged);
            }
        }

        String consistencyToken() {
            for (String aggregate : touched) {
                if (!sequences.containsKey(aggregate)) {
                    eventStore.lastSequenceNumberFor(aggregate).ifPresent(sequence -> sequences.put(aggregate, sequence));
                }
            }
            return sequences.isEmpty() ? null : new ConsistencyToken(sequences).encode();
        }
    }

    private static void runLogged(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.error("A write following a command failed; the command itself succeeded", e);
        }
    }

    /** Notes the sequence number of every event appended by the dispatching thread's command. */
    private static final class SequenceRecorder implements MessageDispatchInterceptor<EventMessage<?>> {
        @Override
        public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
            Map<String, Long> recording = RECORDING.get();
            if (recording != null) {
                for (EventMessage<?> message : messages) {
                    if (message instanceof DomainEventMessage<?> domain) {
                        recording.merge(domain.getAggregateIdentifier(), domain.getSequenceNumber(), Math::max);
                    }
                }
            }
            return (index, message) -> message;
        }
    }
}
