package io.roster.kit.consumer;

import io.roster.kit.failure.InfrastructureFailures;
import io.roster.events.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.KafkaException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs one {@link ConsumerDefinition}: a listener container of its group on its topics, and the failure policy.
 *
 * <ul>
 *   <li>Every record is decoded, its ids are put in the log context ({@link RecordLogContext}), its aggregate's
 *   sequence is checked ({@link AppliedSequences}) and its event handed to the table ({@link EventHandlers}).</li>
 *   <li>An <b>infrastructure failure</b> ({@link InfrastructureFailures}) is retried with capped exponential backoff
 *   (200 ms to 10 s) for as long as it takes: the partition does not advance, nothing is skipped or dead-lettered;
 *   meanwhile the group is stalled (readiness DOWN).</li>
 *   <li>A record that <b>can never be applied</b> (undecodable at once; a handler failing on each of 3 attempts) is
 *   dead-lettered ({@link DeadLetters}) and its aggregate is parked: its later events wait ({@link WaitingEvents})
 *   until the dead letter is re-driven or discarded.</li>
 *   <li>An event that <b>skips a sequence number</b> of an aggregate already applied waits, and its aggregate with
 *   it, until the missing event arrives (a republish); then the waiting ones follow in order.</li>
 * </ul>
 *
 * One lock per consumer keeps the listener and an operator's re-drive or discard from working on the same aggregate
 * at once in this process.
 */
public final class ConsumerRuntime {

    private static final Logger log = LoggerFactory.getLogger(ConsumerRuntime.class);
    /** Attempts of a record whose handler fails on something other than the infrastructure. */
    static final int ATTEMPTS = 3;

    private final ConsumerDefinition definition;
    private final AppliedSequences sequences;
    private final WaitingEvents waiting;
    private final DeadLetters deadLetters;
    private final ConsumerStatus status;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentMessageListenerContainer<String, byte[]> container;

    ConsumerRuntime(ConsumerDefinition definition, ConsumerFactory<String, byte[]> consumers, WaitingEvents waiting,
                    DeadLetters deadLetters, ConsumerStatus status, RetryBackOff backOff, int defaultConcurrency,
                    java.util.function.Consumer<ConcurrentMessageListenerContainer<String, byte[]>> customizer) {
        this.definition = definition;
        this.sequences = definition.sequences();
        this.waiting = waiting;
        this.deadLetters = deadLetters;
        this.status = status;
        ContainerProperties properties = new ContainerProperties(definition.topics().toArray(String[]::new));
        properties.setGroupId(definition.group());
        properties.setClientId(definition.group());
        properties.setConsumerRebalanceListener(new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // a partition that stalled here is another consumer's now: this one no longer waits on it
                status.progressing();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        if (definition.batch()) {
            properties.setMessageListener((BatchMessageListener<String, byte[]>) this::onBatch);
        } else {
            properties.setMessageListener((MessageListener<String, byte[]>) this::onRecord);
        }
        this.container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        container.setConcurrency(definition.concurrency() > 0 ? definition.concurrency() : defaultConcurrency);
        container.setBeanName(definition.group());
        container.setCommonErrorHandler(errorHandler(backOff));
        customizer.accept(container);
    }

    public String group() {
        return definition.group();
    }

    /** The listener container (a projection rebuild pauses it). */
    public MessageListenerContainer container() {
        return container;
    }

    ConsumerStatus status() {
        return status;
    }

    void start() {
        container.start();
    }

    private volatile boolean prepared;

    /**
     * Before the first batch (on the consumer's thread, so a MongoDB away at start-up delays nothing but the
     * consumer): the indexes, and the aggregates parked before a restart, for readiness and metrics.
     */
    private void prepare() {
        if (prepared) {
            return;
        }
        sequences.ensureIndexes();
        waiting.ensureIndexes();
        sequences.parked().forEach(state -> status.parked(state.aggregateId(), state.parked()));
        prepared = true;
    }

    void stop() {
        container.stop();
    }

    private void onRecord(ConsumerRecord<String, byte[]> record) {
        try {
            process(List.of(record));
        } catch (UnitFailed failed) {
            throw failed.getCause() instanceof RuntimeException cause ? cause : failed;
        }
    }

    private void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        try {
            process(records);
        } catch (UnitFailed failed) {
            throw new BatchListenerFailedException("Cannot apply the record", failed.getCause(), failed.index);
        }
    }

    private void process(List<ConsumerRecord<String, byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            try {
                prepare();
            } catch (RuntimeException e) {
                throw new UnitFailed(0, e);
            }
            try {
                runUnit(records);
            } catch (UnitFailed failed) {
                if (records.size() == 1 || InfrastructureFailures.isInfrastructure(failed.getCause())) {
                    throw failed;
                }
                oneByOne(records, failed);
            }
        } finally {
            lock.unlock();
        }
        status.progressing();
    }

    private void runUnit(List<ConsumerRecord<String, byte[]>> records) {
        definition.scope().around(() -> {
            new Unit().run(records);
            return null;
        });
    }

    /**
     * The batch again, a record at a time, after a failure that was not the infrastructure's. The failure names a
     * record, but the scope may hold writes back (see {@link BatchScope}): one held by an earlier record fails when
     * a later one makes the scope write, or when the batch ends, and would put the blame (the retries, then the
     * dead letter) on the wrong record. A record alone is its own batch, so the record that fails here is the one
     * at fault. The records before it are applied and recorded (the handlers are idempotent, and the sequences
     * skip what the first attempt recorded).
     */
    private void oneByOne(List<ConsumerRecord<String, byte[]>> records, UnitFailed failed) {
        log.info("{}: a batch of {} records failed at record {} ({}); applying its records one at a time to find the one at fault",
                group(), records.size(), failed.index, rootCause(failed).toString());
        for (int index = 0; index < records.size(); index++) {
            try {
                runUnit(List.of(records.get(index)));
            } catch (UnitFailed alone) {
                throw new UnitFailed(index, (RuntimeException) alone.getCause());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // the error handler: infrastructure failures forever, other failures 3 attempts, then the dead letter topic

    private DefaultErrorHandler errorHandler(RetryBackOff backOff) {
        DefaultErrorHandler handler = new DefaultErrorHandler(this::recover, backOff.infrastructure());
        handler.setBackOffFunction((record, failure) ->
                InfrastructureFailures.isInfrastructure(failure) ? backOff.infrastructure() : backOff.record());
        // every exception is retried first (spring-kafka gives up at once on a few types by default); the back-off
        // decides how long
        handler.setClassifications(Map.of(), true);
        handler.setLogLevel(KafkaException.Level.DEBUG);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception failure, int attempt) {
                try (var ignored = RecordLogContext.of(record.headers(), String.valueOf(record.key()))) {
                    if (InfrastructureFailures.isInfrastructure(failure)) {
                        status.infrastructureFailure(rootCause(failure));
                        log.warn("{} stalls on {}-{}@{} (attempt {}), retrying until the infrastructure is back: {}", group(),
                                record.topic(), record.partition(), record.offset(), attempt, rootCause(failure).toString());
                    } else {
                        log.warn("{} failed on {}-{}@{} (attempt {} of {}): {}", group(), record.topic(), record.partition(),
                                record.offset(), attempt, ATTEMPTS, rootCause(failure).toString());
                    }
                }
            }

            @Override
            public void recoveryFailed(ConsumerRecord<?, ?> record, Exception original, Exception failure) {
                try (var ignored = RecordLogContext.of(record.headers(), String.valueOf(record.key()))) {
                    log.warn("{} could not dead-letter {}-{}@{}; it comes again: {}", group(), record.topic(), record.partition(),
                            record.offset(), failure.toString());
                }
            }
        });
        return handler;
    }

    /** A record whose handler failed on every attempt: to the dead letter topic, and its aggregate waits. */
    private void recover(ConsumerRecord<?, ?> failedRecord, Exception failure) {
        @SuppressWarnings("unchecked")
        ConsumerRecord<String, byte[]> record = (ConsumerRecord<String, byte[]>) failedRecord;
        Throwable cause = listenerFailure(failure);
        lock.lock();
        try (var ignored = RecordLogContext.of(record.headers(), record.key())) {
            definition.scope().around(() -> {
                Unit unit = new Unit();
                StoredRecord stored = StoredRecord.of(record);
                EventEnvelope envelope = unit.decodeOrNull(record);
                String aggregateId = envelope != null ? envelope.aggregateId() : aggregateOf(stored);
                Long sequence = envelope != null ? Long.valueOf(envelope.sequenceNumber()) : sequenceOf(stored);
                unit.load(Set.of(aggregateId));
                unit.deadLetter(stored, aggregateId, sequence, DeadLetters.FAILED, cause);
                unit.commit();
                return null;
            });
        } finally {
            lock.unlock();
        }
        status.progressing();
    }

    // ---------------------------------------------------------------------------------------------------------
    // an operator's decisions

    /** Applies a dead letter through the handler table, then the events waiting behind it; how many were applied. */
    int redrive(DeadLetters.DeadLetter deadLetter, String who) {
        lock.lock();
        try (var ignored = RecordLogContext.of(deadLetter.record())) {
            int applied = definition.scope().around(() -> {
                Unit unit = new Unit();
                EventEnvelope envelope;
                try {
                    envelope = definition.codec().decode(deadLetter.record().toConsumerRecord());
                } catch (RuntimeException e) {
                    throw new StillFailing("still unreadable: " + e.getMessage(), e);
                }
                unit.load(Set.of(envelope.aggregateId()));
                AggregateState state = unit.state(envelope.aggregateId());
                int count = 0;
                if (envelope.sequenceNumber() > state.last()) {
                    try {
                        unit.apply(envelope, state);
                    } catch (RuntimeException e) {
                        if (InfrastructureFailures.isInfrastructure(e)) {
                            throw e;
                        }
                        throw new StillFailing("the handler still fails: " + rootCause(e), e);
                    }
                    count++;
                }
                if (state.parked() != null && deadLetter.id().equals(state.parked().deadLetterId())) {
                    state.release();
                    count += unit.drain(state, false);
                }
                unit.commit();
                return count;
            });
            deadLetters.redriven(deadLetter.id(), who);
            log.info("Dead letter {} re-driven by {}: {} event(s) of {} applied", deadLetter.id(), who, applied, deadLetter.aggregateId());
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** Gives a dead letter up (audited), then applies the events waiting behind it; how many were applied. */
    int discard(DeadLetters.DeadLetter deadLetter, String who, String reason) {
        lock.lock();
        try (var ignored = RecordLogContext.of(deadLetter.record())) {
            int applied = definition.scope().around(() -> {
                Unit unit = new Unit();
                String aggregateId = deadLetter.aggregateId();
                unit.load(Set.of(aggregateId));
                AggregateState state = unit.state(aggregateId);
                Long sequence = deadLetter.sequence();
                int count = 0;
                if (state.parked() != null && deadLetter.id().equals(state.parked().deadLetterId())) {
                    if (sequence != null && sequence > state.last()) {
                        state.applied(sequence); // given up: the aggregate goes on after it
                    }
                    state.release();
                    count = unit.drain(state, sequence == null);
                }
                unit.commit();
                return count;
            });
            deadLetters.discarded(deadLetter.id(), who, reason);
            log.warn("Dead letter {} ({} #{} of {}) discarded by {}: {}; {} waiting event(s) applied", deadLetter.id(),
                    deadLetter.type(), deadLetter.sequence(), deadLetter.aggregateId(), who, reason, applied);
            return applied;
        } finally {
            lock.unlock();
        }
    }

    long waitingBehind(DeadLetters.DeadLetter deadLetter) {
        return deadLetter.dead() ? waiting.count(group(), deadLetter.aggregateId()) : 0;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One batch of work: the states of its aggregates read once, changed in memory, written once. */
    private final class Unit {
        private Map<String, AggregateState> states = Map.of();
        private final Map<String, Long> newlyApplied = new java.util.HashMap<>();
        private final List<String> released = new ArrayList<>();

        void load(Set<String> aggregateIds) {
            states = new java.util.HashMap<>(sequences.states(aggregateIds));
        }

        AggregateState state(String aggregateId) {
            return states.computeIfAbsent(aggregateId, AggregateState::fresh);
        }

        void run(List<ConsumerRecord<String, byte[]>> records) {
            List<Decoded> decoded = new ArrayList<>(records.size());
            Set<String> aggregates = new LinkedHashSet<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                Decoded item = decode(record);
                decoded.add(item);
                aggregates.add(item.aggregateId());
            }
            try {
                load(aggregates);
            } catch (RuntimeException e) {
                throw new UnitFailed(0, e);
            }
            UnitFailed failed = null;
            for (int index = 0; index < decoded.size() && failed == null; index++) {
                Decoded item = decoded.get(index);
                try (var ignored = RecordLogContext.of(item.record().headers(), item.record().key())) {
                    take(item);
                } catch (RuntimeException e) {
                    failed = new UnitFailed(index, e);
                }
            }
            try {
                // also when a record failed: the ones before it are applied and will be committed
                commit();
            } catch (RuntimeException e) {
                throw new UnitFailed(0, e);
            }
            if (failed != null) {
                throw failed;
            }
        }

        private Decoded decode(ConsumerRecord<String, byte[]> record) {
            StoredRecord stored = StoredRecord.of(record);
            try {
                EventEnvelope envelope = definition.codec().decode(record);
                return new Decoded(record, envelope, null, envelope.aggregateId());
            } catch (RuntimeException e) {
                return new Decoded(record, null, e, aggregateOf(stored));
            }
        }

        EventEnvelope decodeOrNull(ConsumerRecord<String, byte[]> record) {
            try {
                return definition.codec().decode(record);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private void take(Decoded item) {
            if (item.envelope() == null) {
                StoredRecord stored = StoredRecord.of(item.record());
                deadLetter(stored, item.aggregateId(), sequenceOf(stored), DeadLetters.UNREADABLE, item.failure());
                return;
            }
            EventEnvelope envelope = item.envelope();
            AggregateState state = state(envelope.aggregateId());
            long sequence = envelope.sequenceNumber();
            if (sequence <= state.last()) {
                log.debug("{} #{} of {} was applied before: nothing to do", envelope.type().name(), sequence, envelope.aggregateId());
                return;
            }
            Parked parked = state.parked();
            if (parked != null && !(parked.gap() && sequence == state.last() + 1)) {
                waiting.store(group(), envelope.aggregateId(), sequence, StoredRecord.of(item.record()));
                log.info("{} #{} of {} waits: {}", envelope.type().name(), sequence, envelope.aggregateId(),
                        parked.gap() ? "sequence " + parked.missing() + " has not arrived" : "behind dead letter " + parked.deadLetterId());
                return;
            }
            if (parked == null && state.last() >= 0 && sequence > state.last() + 1) {
                waiting.store(group(), envelope.aggregateId(), sequence, StoredRecord.of(item.record()));
                long last = state.last();
                // the missing one may be waiting already: stored by this consumer while another instance re-drove
                drain(state, false);
                if (state.parked() != null && state.parked().gap()) {
                    log.warn("Gap in {}: #{} arrived after #{}; its events wait for #{} (a republish brings it)",
                            envelope.aggregateId(), sequence, last, state.last() + 1);
                }
                return;
            }
            apply(envelope, state);
            if (parked != null) {
                log.info("The missing #{} of {} arrived", sequence, envelope.aggregateId());
                state.release();
                drain(state, false);
            }
        }

        void apply(EventEnvelope envelope, AggregateState state) {
            definition.handlers().dispatch(envelope);
            status.applied(envelope.event().occurredAt());
            state.applied(envelope.sequenceNumber());
            newlyApplied.put(envelope.aggregateId(), state.last());
            // in the record's span: the line carries its trace and span ids (TracingEndToEndIT reads it)
            log.debug("Applied {} #{} of {}", envelope.type().name(), envelope.sequenceNumber(), envelope.aggregateId());
        }

        /**
         * Applies the aggregate's waiting events in order, as far as they go: up to a missing sequence (the aggregate
         * waits for it) or an event that cannot be applied (dead-lettered; the aggregate waits behind it).
         *
         * @param acceptFirst whether the first waiting event follows whatever sequence it has (after a discarded dead
         *                    letter whose sequence was unknown)
         */
        int drain(AggregateState state, boolean acceptFirst) {
            int count = 0;
            boolean first = acceptFirst;
            for (WaitingEvents.Waiting next : waiting.of(group(), state.aggregateId())) {
                if (next.sequence() <= state.last()) {
                    released.add(next.id());
                    continue;
                }
                if (next.sequence() != state.last() + 1 && !first) {
                    state.park(Parked.gap(state.last() + 1));
                    status.parked(state.aggregateId(), state.parked());
                    log.warn("{} waits for #{}: the next waiting event is #{}", state.aggregateId(), state.last() + 1, next.sequence());
                    return count;
                }
                first = false;
                released.add(next.id());
                try (var ignored = RecordLogContext.of(next.record())) {
                    if (!applyWaiting(next, state)) {
                        return count;
                    }
                }
                count++;
            }
            state.release();
            status.parked(state.aggregateId(), null);
            return count;
        }

        private boolean applyWaiting(WaitingEvents.Waiting next, AggregateState state) {
            EventEnvelope envelope;
            try {
                envelope = definition.codec().decode(next.record().toConsumerRecord());
            } catch (RuntimeException e) {
                deadLetter(next.record(), state.aggregateId(), next.sequence(), DeadLetters.UNREADABLE, e);
                return false;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    apply(envelope, state);
                    return true;
                } catch (RuntimeException e) {
                    if (InfrastructureFailures.isInfrastructure(e)) {
                        throw e;
                    }
                    if (attempt >= ATTEMPTS) {
                        deadLetter(next.record(), state.aggregateId(), next.sequence(), DeadLetters.FAILED, e);
                        return false;
                    }
                    log.warn("Waiting #{} of {} failed (attempt {} of {}): {}", next.sequence(), state.aggregateId(), attempt,
                            ATTEMPTS, rootCause(e).toString());
                }
            }
        }

        /** Dead-letters the record and parks its aggregate behind it (unless it is behind another one already). */
        void deadLetter(StoredRecord record, String aggregateId, Long sequence, String reason, Throwable failure) {
            AggregateState state = state(aggregateId);
            String id = deadLetters.deadLetter(group(), record, aggregateId, sequence, record.header("ce_type"), reason, failure);
            boolean behind = sequence != null && sequence <= state.last();
            if (!behind && (state.parked() == null || state.parked().gap())) {
                state.park(Parked.behind(id));
                status.parked(aggregateId, state.parked());
                log.warn("{}'s later events wait behind dead letter {} until it is re-driven or discarded", aggregateId, id);
            }
        }

        void commit() {
            definition.scope().beforeMark();
            sequences.write(states.values());
            definition.scope().afterMark(Map.copyOf(newlyApplied));
            waiting.delete(released);
        }
    }

    private record Decoded(ConsumerRecord<String, byte[]> record, EventEnvelope envelope, RuntimeException failure,
                           String aggregateId) {
    }

    /** A record of a batch failed; those before it were applied. */
    private static final class UnitFailed extends RuntimeException {
        private final int index;

        UnitFailed(int index, RuntimeException cause) {
            super("Record " + index + " of the batch failed: " + cause.getMessage(), cause);
            this.index = index;
        }
    }

    /** A re-driven dead letter still cannot be applied: it stays a dead letter. */
    static final class StillFailing extends RuntimeException {
        StillFailing(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The capped exponential back-off of infrastructure failures, and the few attempts of other failures. */
    record RetryBackOff(Supplier<BackOff> infrastructureBackOff, Supplier<BackOff> recordBackOff) {
        static RetryBackOff standard() {
            return new RetryBackOff(() -> {
                ExponentialBackOff backOff = new ExponentialBackOff(200, 2);
                backOff.setMaxInterval(10_000);
                return backOff; // no maximum elapsed time nor attempts: as long as it takes
            }, () -> new FixedBackOff(500, ATTEMPTS - 1));
        }

        BackOff infrastructure() {
            return infrastructureBackOff.get();
        }

        BackOff record() {
            return recordBackOff.get();
        }
    }

    private static String aggregateOf(StoredRecord record) {
        String aggregate = record.header("ce_aggregateid");
        if (aggregate != null) {
            return aggregate;
        }
        return record.key() != null ? record.key() : record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static Long sequenceOf(StoredRecord record) {
        String sequence = record.header("ce_aggregatesequence");
        try {
            return sequence == null ? null : Long.valueOf(sequence.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What went wrong under the listener's wrappers. */
    private static Throwable listenerFailure(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof org.springframework.kafka.listener.ListenerExecutionFailedException
                || cause instanceof BatchListenerFailedException || cause instanceof UnitFailed)
                && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
