package io.roster.query.rebuild;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.UnreadableEventException;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.query.consumer.EventApplier;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Rebuilds every projection from the event topics without taking reads down. Readers and the live
 * consumer keep working in the active read-model version N while the rebuild, on a thread of its own:
 * <ol>
 *   <li>creates version N+1's collections, empty, with their indexes;</li>
 *   <li>replays the topics from their first record up to their end at the start, into N+1, through the same
 *   projections (bound to N+1 on its thread), keeping N+1's applied sequences in memory;</li>
 *   <li>pauses this instance's live consumer between two batches, replays on up to the offsets its consumer
 *   group committed (everything the live consumer applied to N), writes the applied sequences, and switches
 *   the active version to N+1; the live consumer resumes in N+1, and whatever it gets again (the replay may
 *   have read past the group) is absorbed by N+1's applied sequences;</li>
 *   <li>gives other instances {@code settle-time} to notice the switch, replays on up to the group's offsets
 *   once more (what they applied to N meanwhile), and drops N's collections.</li>
 * </ol>
 * One rebuild runs at a time across all instances ({@link RebuildJobs}).
 */
@Component
public class ProjectionRebuild implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuild.class);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private final ProjectionCollections collections;
    private final List<Projection> projections;
    private final AppliedSequences appliedSequences;
    private final EventApplier liveApplier;
    private final RebuildJobs jobs;
    private final LiveConsumer liveConsumer;
    private final Map<String, Object> consumerConfig;
    private final String configuredGroup;
    private final RebuildProperties properties;
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "projection-rebuild");
        thread.setDaemon(true);
        return thread;
    });

    ProjectionRebuild(ProjectionCollections collections, List<Projection> projections, AppliedSequences appliedSequences,
                      EventApplier liveApplier, RebuildJobs jobs, LiveConsumer liveConsumer,
                      ConsumerFactory<?, ?> consumerFactory, RebuildProperties properties) {
        this.collections = collections;
        this.projections = projections;
        this.appliedSequences = appliedSequences;
        this.liveApplier = liveApplier;
        this.jobs = jobs;
        this.liveConsumer = liveConsumer;
        this.consumerConfig = Map.copyOf(consumerFactory.getConfigurationProperties());
        this.configuredGroup = String.valueOf(consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG));
        this.properties = properties;
    }

    /**
     * Starts a rebuild in the background.
     *
     * @throws RebuildJobs.RebuildInProgress when one runs already, here or on another instance
     */
    public RebuildJob start() {
        UUID jobId = UUID.randomUUID();
        Instant now = Instant.now();
        jobs.claim(jobId, now, now.minus(properties.staleAfter())).ifPresent(dead -> jobs.find(dead)
                .filter(job -> !job.state().finished())
                .ifPresent(job -> jobs.save(job.failed(now, "abandoned: the instance running it stopped reporting"))));
        RebuildJob job = RebuildJob.started(jobId, now, collections.activeVersion());
        jobs.save(job);
        try {
            executor.execute(() -> run(job));
        } catch (RuntimeException e) {
            jobs.save(job.failed(Instant.now(), "the service is stopping"));
            jobs.release(jobId);
            throw e;
        }
        log.info("Projection rebuild {} started: version {} next to the active {}", jobId, job.version(), job.previousVersion());
        return job;
    }

    public Optional<RebuildJob> find(UUID jobId) {
        return jobs.find(jobId);
    }

    private void run(RebuildJob started) {
        Progress progress = new Progress(started);
        int from = started.previousVersion();
        int to = started.version();
        boolean paused = false;
        boolean switched = false;
        String group = liveConsumer.group(configuredGroup);
        try (TopicReplay replay = TopicReplay.open(consumerConfig, Topics.EVENT_TOPICS, STALL_TIMEOUT)) {
            collections.prepare(to);
            ReplayApplier applier = new ReplayApplier(projections, appliedSequences);
            Consumer<ConsumerRecord<String, byte[]>> intoNewVersion = record -> replayed(record, applier::apply, applier, progress);

            Map<TopicPartition, Long> end = replay.endOffsets();
            progress.addTarget(replay.remaining(end));
            collections.bound(to, () -> replay.readUpTo(end, intoNewVersion));

            progress.enter(RebuildState.CATCHING_UP);
            paused = liveConsumer.pause(properties.pauseTimeout());
            Map<TopicPartition, Long> committed = liveConsumer.committedOffsets(group, replay.beginningOffsets());
            progress.addTarget(replay.remaining(committed));
            collections.bound(to, () -> {
                replay.readUpTo(committed, intoNewVersion);
                applier.flush();
            });
            collections.activate(to);
            switched = true;
            if (paused) {
                liveConsumer.resume();
                paused = false;
            }

            progress.enter(RebuildState.SETTLING);
            if (!properties.settleTime().isZero()) {
                // other instances re-read the active version meanwhile; whatever they applied to the old one is read again below
                Mono.delay(properties.settleTime()).block();
            }
            Map<TopicPartition, Long> settled = liveConsumer.committedOffsets(group, replay.beginningOffsets());
            progress.addTarget(replay.remaining(settled));
            replay.readUpTo(settled, record -> replayed(record, liveApplier::apply, null, progress));
            if (properties.dropPrevious()) {
                collections.drop(from);
            }
            progress.complete();
            log.info("Projection rebuild {} completed: version {} is active ({} events replayed, {} unreadable skipped){}",
                    started.jobId(), to, progress.job.eventsApplied(), progress.job.unreadable(),
                    properties.dropPrevious() ? "; version " + from + " dropped" : "");
        } catch (RuntimeException e) {
            log.error("Projection rebuild {} failed", started.jobId(), e);
            if (paused) {
                liveConsumer.resume();
            }
            if (!switched) {
                dropQuietly(to);
            }
            progress.fail(e, switched);
        } finally {
            jobs.release(started.jobId());
        }
    }

    private void replayed(ConsumerRecord<String, byte[]> record, Predicate<EventEnvelope> apply,
                          ReplayApplier batch, Progress progress) {
        EventEnvelope envelope;
        try {
            envelope = codec.decode(record);
        } catch (UnreadableEventException e) {
            // the live consumer sent it to the dead letter topic when it first came; a replay cannot do better
            log.warn("Skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            progress.unreadable();
            return;
        }
        apply.test(envelope);
        progress.applied();
        if (batch != null && progress.sinceFlush++ >= properties.flushEvery()) {
            batch.flush();
            progress.sinceFlush = 0;
        }
    }

    private void dropQuietly(int version) {
        try {
            collections.drop(version);
        } catch (RuntimeException e) {
            log.warn("Could not drop the collections of version {}; the next rebuild empties them", version, e);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdownNow();
        // let a running rebuild record its failure and release the lock while MongoDB is still there
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The job's counters, saved (and the lock renewed) a few times a second rather than per event. */
    private final class Progress {
        private RebuildJob job;
        private long applied;
        private long unreadable;
        private long target;
        private long savedAt = System.nanoTime();
        private int sinceFlush;

        Progress(RebuildJob job) {
            this.job = job;
        }

        void addTarget(long records) {
            target += records;
            save();
        }

        void applied() {
            applied++;
            saveNowAndThen();
        }

        void unreadable() {
            unreadable++;
            applied++;
            saveNowAndThen();
        }

        void enter(RebuildState state) {
            job = job.in(state);
            save();
        }

        void complete() {
            job = job.withProgress(applied, unreadable, target).completed(Instant.now());
            jobs.save(job);
        }

        void fail(RuntimeException e, boolean switched) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            reason = reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
            if (switched) {
                reason = "version " + job.version() + " is active, but the rebuild did not finish: " + reason;
            }
            job = job.withProgress(applied, unreadable, target).failed(Instant.now(), reason);
            try {
                jobs.save(job);
            } catch (RuntimeException saveFailed) {
                log.warn("Could not record the failure of rebuild {}", job.jobId(), saveFailed);
            }
        }

        private void saveNowAndThen() {
            if (System.nanoTime() - savedAt > PROGRESS_EVERY.toNanos()) {
                save();
            }
        }

        private void save() {
            job = job.withProgress(applied, unreadable, target);
            jobs.save(job);
            savedAt = System.nanoTime();
            if (!jobs.heartbeat(job.jobId(), Instant.now())) {
                throw new IllegalStateException("Another rebuild took over, taking this one for dead");
            }
        }
    }
}
