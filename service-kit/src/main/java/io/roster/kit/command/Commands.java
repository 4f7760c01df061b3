package io.roster.kit.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.correlation.CorrelationIdFilter;
import io.roster.kit.tracing.Traces;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.retry.RetryCallback;
import org.springframework.retry.RetryContext;
import org.springframework.retry.RetryListener;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.retry.support.RetryTemplateBuilder;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The one way Roster's controllers, consumers and schedules send commands.
 *
 * <ul>
 *   <li><b>Retries</b>: a command that lost an optimistic-locking race is sent again, on the same thread, up to
 *       {@code roster.commands.retries.max-attempts} in all; nothing else is retried, a rule's refusal is final.</li>
 *   <li><b>Correlation</b>: the command carries the correlation id as {@value #TRACE_ID} metadata, which Axon copies
 *       into every event it causes and the relay publishes as the CloudEvents {@code correlationid}: a request's id
 *       ({@link #run}), else the {@value CorrelationId#MDC_KEY} of the log context (a Kafka record being handled),
 *       else a new one (a scheduled job).</li>
 *   <li><b>Trace and causation</b>: the command also carries the current span's W3C {@value Traces#TRACEPARENT} and
 *       {@value Traces#TRACESTATE} (the request's server span, or the span of the Kafka record being handled), and,
 *       sent while a record is handled, that event's id as {@value #CAUSATION_ID}; {@link CommandConfiguration} has
 *       Axon copy them into every event the command appends, and the relay publishes them (README "Tracing").</li>
 *   <li><b>Consistency-Token</b>: the sequence numbers of the events appended while a request's work runs, noted as
 *       they are appended (an interceptor on the event store, per thread), so one request touching several
 *       aggregates answers one token and it costs no extra read. A command that appended nothing adds its target
 *       aggregate's current sequence.</li>
 *   <li><b>Failures</b>: {@link CommandFailures} translates them once, the same in every service.</li>
 *   <li><b>Latency</b>: {@code roster.commands.latency{command}} (seconds, a histogram) times each command from its
 *       dispatch to its answer, retries included, whatever the answer; {@link CommandTypes} registers a timer per
 *       command class the service handles at start-up, so each exists at zero.</li>
 * </ul>
 *
 * <p>Web form: {@link #send(ServerWebExchange, Object)} or {@link #run(ServerWebExchange, Callable)}, off the event
 * loop. Blocking form: {@link #sendAndWait(Object)}, for consumers and schedules, and for the code a request's
 * {@code run} calls, whose commands then belong to that request (its correlation id, its token).
 */
public class Commands {

    /** The metadata key Axon's MessageOriginProvider and the Kafka relay read as the correlation id. */
    public static final String TRACE_ID = "traceId";
    /**
     * The metadata key of the event whose handling sent the command (absent for a request's or a schedule's commands);
     * the relay publishes it as the events' {@code causationid} instead of the command's id.
     */
    public static final String CAUSATION_ID = "causationId";
    /** The log context key under which the consumer runtime names the event being handled (its ce_id). */
    private static final String HANDLED_EVENT_MDC_KEY = "eventId";

    private static final Logger log = LoggerFactory.getLogger(Commands.class);
    private static final ThreadLocal<Work> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Map<String, Long>> RECORDING = new ThreadLocal<>();
    private static final ThreadLocal<List<Runnable>> AFTER_COMMAND = new ThreadLocal<>();

    private final CommandGateway gateway;
    private final EventStore eventStore;
    private final RetryTemplate retries;
    private final CommandTargetResolver targets = AnnotationCommandTargetResolver.builder().build();
    private final Counter exhausted;
    private final MeterRegistry meters;

    public Commands(CommandGateway gateway, EventStore eventStore, CommandProperties properties, MeterRegistry meters) {
        this.gateway = gateway;
        this.meters = meters;
        this.eventStore = eventStore;
        Counter retried = Counter.builder("roster.commands.conflicts").tag("outcome", "retried")
                .description("Commands that lost an optimistic-locking race").register(meters);
        this.exhausted = Counter.builder("roster.commands.conflicts").tag("outcome", "exhausted")
                .description("Commands that lost an optimistic-locking race").register(meters);
        CommandProperties.Retries settings = properties.retries();
        RetryTemplateBuilder builder = RetryTemplate.builder()
                .maxAttempts(settings.maxAttempts())
                .retryOn(CommandFailures::isLostRace)
                .withListener(new RetryListener() {
                    @Override
                    public <T, E extends Throwable> void onError(RetryContext context, RetryCallback<T, E> callback, Throwable failure) {
                        if (CommandFailures.isLostRace(failure)) {
                            retried.increment();
                        }
                    }
                });
        this.retries = (settings.interval().isZero() ? builder.noBackoff() : builder.fixedBackoff(settings.interval())).build();
        eventStore.registerDispatchInterceptor(new SequenceRecorder());
    }

    /** Registers the latency timers of these command classes, at zero. */
    public void timing(Collection<Class<?>> commandTypes) {
        commandTypes.forEach(this::latency);
    }

    private Timer latency(Class<?> commandType) {
        return Timer.builder("roster.commands.latency")
                .description("From sending a command to its answer (retries of lost races included), by command class")
                .tag("command", commandType.getSimpleName())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
    }

    /**
     * Runs {@code work} for a request, off the event loop (the command bus blocks on the event store); every command
     * it sends through {@link #sendAndWait} carries the request's correlation id and counts towards the token.
     */
    public <T> Mono<Sent<T>> run(ServerWebExchange exchange, Callable<T> work) {
        String correlationId = CorrelationIdFilter.of(exchange);
        return Mono.fromCallable(() -> {
            // the request's span is current here too, so the commands carry its trace and the log lines its ids
            try (var span = Traces.resume(exchange)) {
                return within(new Work(correlationId), work);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** One command for a request: its result and the token. */
    public <R> Mono<Sent<R>> send(ServerWebExchange exchange, Object command) {
        return run(exchange, () -> sendAndWait(command));
    }

    /**
     * Sends a command and waits for its result, retrying lost races.
     *
     * @throws io.roster.kit.web.ApiProblem {@code not_found} or {@code conflict}, or the handler's own refusal
     */
    public <R> R sendAndWait(Object command) {
        return currentWork().dispatch(command);
    }

    /** The request's work on this thread, else a work of its own for one command (a consumer's, a schedule's). */
    Work currentWork() {
        Work work = CURRENT.get();
        return work != null ? work : new Work(correlationIdOfThisThread());
    }

    /**
     * Runs {@code work}, whose commands are stored together in one append when it returns (their unit of work is a
     * child of the one started here): a batch of new aggregates costs one insert.
     */
    public <T> T together(Supplier<T> work) {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        try {
            T result = work.get();
            Map<String, Long> appended = new HashMap<>();
            recording(appended, () -> {
                batch.commit();
                return null;
            });
            Work request = CURRENT.get();
            if (request != null) {
                request.appended(appended, null);
            }
            return result;
        } catch (RuntimeException e) {
            if (batch.isActive()) {
                batch.rollback(e);
            }
            throw CommandFailures.translate(e);
        }
    }

    /**
     * Runs {@code work} once the command being handled on this thread completed and released its aggregate, before
     * the sender gets its answer: for an event handler of the command's own unit of work (a subscribing processor)
     * that writes a lookup, so that commands queued on the aggregate's lock do not wait for that write too. At once
     * when no command sent through here is running on this thread.
     */
    public static void afterCommand(Runnable work) {
        List<Runnable> afterwards = AFTER_COMMAND.get();
        if (afterwards == null) {
            work.run();
        } else {
            afterwards.add(work);
        }
    }

    /**
     * Holds this thread's {@link #afterCommand} work from now until {@link #writeHeld()}: a tracking processor's batch of
     * events ({@link io.roster.kit.lookup.RepairedLookup}'s repair), whose lookup writes then cost one bulk write per
     * batch instead of one write per event. Nothing changes when work is held already.
     */
    public static void holdAfterwards() {
        if (AFTER_COMMAND.get() == null) {
            AFTER_COMMAND.set(new ArrayList<>());
        }
    }

    /**
     * Does the work held since {@link #holdAfterwards()} and stops holding. Unlike a command's, a failure here is thrown:
     * the batch fails, and its events are applied again.
     */
    public static void writeHeld() {
        List<Runnable> held = AFTER_COMMAND.get();
        AFTER_COMMAND.remove();
        if (held != null) {
            held.forEach(Runnable::run);
        }
    }

    /** Drops the work held since {@link #holdAfterwards()} (its batch failed) and stops holding. */
    public static void dropHeld() {
        AFTER_COMMAND.remove();
    }

    /** Writes a lookup's changes, as one bulk write where it can. */
    @FunctionalInterface
    public interface LookupWriter<T> {
        void write(List<T> changes);
    }

    /**
     * {@link #afterCommand(Runnable)} for a change that {@code writer} writes: the changes one command causes (a group
     * of additions, a batch of joins) reach the writer together, in order, once the command is done, so they cost one
     * bulk write instead of one write each. At once, alone, when no command sent through here is running on this
     * thread. {@code writer} must be the same instance for every change it is to write together.
     */
    @SuppressWarnings("unchecked")
    public static <T> void afterCommand(LookupWriter<T> writer, T change) {
        List<Runnable> afterwards = AFTER_COMMAND.get();
        if (afterwards == null) {
            writer.write(List.of(change));
            return;
        }
        for (Runnable work : afterwards) {
            if (work instanceof PendingWrites<?> pending && pending.writer == writer) {
                ((PendingWrites<T>) pending).changes.add(change);
                return;
            }
        }
        PendingWrites<T> pending = new PendingWrites<>(writer);
        pending.changes.add(change);
        afterwards.add(pending);
    }

    /** A writer's changes after a command, written where its first change was noted among the other work. */
    private static final class PendingWrites<T> implements Runnable {
        private final LookupWriter<T> writer;
        private final List<T> changes = new ArrayList<>();

        private PendingWrites(LookupWriter<T> writer) {
            this.writer = writer;
        }

        @Override
        public void run() {
            writer.write(changes);
        }
    }

    private <T> Sent<T> within(Work work, Callable<T> body) throws Exception {
        Work outer = CURRENT.get();
        String outerId = MDC.get(CorrelationId.MDC_KEY);
        CURRENT.set(work);
        MDC.put(CorrelationId.MDC_KEY, work.correlationId);
        try {
            T result = body.call();
            return new Sent<>(result, work.consistencyToken());
        } finally {
            restore(CURRENT, outer);
            if (outerId == null) {
                MDC.remove(CorrelationId.MDC_KEY);
            } else {
                MDC.put(CorrelationId.MDC_KEY, outerId);
            }
        }
    }

    private static String correlationIdOfThisThread() {
        String id = MDC.get(CorrelationId.MDC_KEY);
        return id != null && !id.isBlank() ? id : CorrelationId.acceptOrCreate(null);
    }

    /** Runs {@code action}, noting into {@code into} the sequence numbers of the events this thread appends meanwhile. */
    private static <R> R recording(Map<String, Long> into, Supplier<R> action) {
        Map<String, Long> outer = RECORDING.get();
        RECORDING.set(into);
        try {
            return action.get();
        } finally {
            restore(RECORDING, outer);
        }
    }

    private static <V> void restore(ThreadLocal<V> local, V outer) {
        if (outer == null) {
            local.remove();
        } else {
            local.set(outer);
        }
    }

    private static void runLogged(List<Runnable> afterwards) {
        List<Runnable> due = List.copyOf(afterwards);
        afterwards.clear();
        for (Runnable work : due) {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.error("A write following a command failed; the command itself succeeded", e);
            }
        }
    }

    /** The commands of one request, or a single command sent from a consumer or a schedule. */
    final class Work {

        private final String correlationId;
        private final MetaData metaData;
        private final Map<String, Long> sequences = new LinkedHashMap<>();
        private final Set<String> unchanged = new LinkedHashSet<>();

        private Work(String correlationId) {
            this.correlationId = correlationId;
            Map<String, Object> entries = new HashMap<>(Traces.current());
            entries.put(TRACE_ID, correlationId);
            String handledEvent = MDC.get(HANDLED_EVENT_MDC_KEY);
            if (handledEvent != null) {
                entries.put(CAUSATION_ID, handledEvent);
            }
            this.metaData = MetaData.from(entries);
        }

        <R> R dispatch(Object command) {
            return this.<R>dispatchNoting(command).result();
        }

        /** The metadata the events of this work's commands carry: its correlation id, trace and cause. */
        Map<String, String> eventMetaData() {
            Map<String, String> entries = new HashMap<>();
            metaData.forEach((key, value) -> entries.put(key, String.valueOf(value)));
            return entries;
        }

        /** {@link #dispatch}, also answering what the command appended, for the works it was sent for (a group's). */
        <R> Dispatched<R> dispatchNoting(Object command) {
            CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command).andMetaData(metaData);
            Map<String, Long> appended = new HashMap<>();
            List<Runnable> afterwards = new ArrayList<>();
            Timer.Sample started = Timer.start(meters);
            try {
                R result = retries.execute(attempt -> {
                    appended.clear();
                    List<Runnable> outer = AFTER_COMMAND.get();
                    AFTER_COMMAND.set(afterwards);
                    try {
                        return recording(appended, () -> gateway.<R>sendAndWait(message));
                    } finally {
                        restore(AFTER_COMMAND, outer);
                        // the events are stored even when the command failed after appending them: what follows them happens
                        runLogged(afterwards);
                    }
                });
                String target = targetOf(message);
                appended(appended, target);
                return new Dispatched<>(result, Map.copyOf(appended), target);
            } catch (RuntimeException e) {
                if (CommandFailures.isLostRace(e)) {
                    exhausted.increment();
                }
                throw CommandFailures.translate(e);
            } finally {
                started.stop(latency(message.getPayloadType()));
            }
        }

        void appended(Map<String, Long> appended, String target) {
            appended.forEach((aggregate, sequence) -> sequences.merge(aggregate, sequence, Math::max));
            if (target != null && !appended.containsKey(target)) {
                unchanged.add(target);
            }
        }

        String consistencyToken() {
            for (String aggregate : unchanged) {
                if (!sequences.containsKey(aggregate)) {
                    eventStore.lastSequenceNumberFor(aggregate).ifPresent(sequence -> sequences.put(aggregate, sequence));
                }
            }
            return sequences.isEmpty() ? null : new ConsistencyToken(sequences).encode();
        }
    }

    /** A command's answer, the sequence numbers it appended by aggregate, and its target aggregate (or null). */
    record Dispatched<R>(R result, Map<String, Long> appended, String target) {
    }

    private String targetOf(CommandMessage<?> message) {
        try {
            return targets.resolveTarget(message).getIdentifier();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Notes the sequence number of every event appended by a thread that is recording. */
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
