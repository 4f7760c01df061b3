package io.roster.invitation.bulk;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.invitation.FailedRow;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The status of bulk jobs for {@code GET …/invitations/bulk/{jobId}} ({@code bulk-invitation-jobs-v1}, one
 * document per job, read by its {@code _id} only). A job is {@code running} from the upload's start, then
 * {@code completed} by {@link BulkJobProjection} from its BulkInvitationCompleted, or {@code failed} when the
 * upload broke off (the rows invited until then stay invited; the upload may be sent again).
 *
 * <p>A job whose process died (a crash, a SIGKILL) neither completes nor fails by itself: the upload runs inside the
 * request and nothing resumes it. So the process running a job refreshes its {@code heartbeatAt} every
 * {@link #HEARTBEAT}; a {@code running} job whose heartbeat is older than {@link #ABANDONED_AFTER} is reported, and
 * recorded, as {@code failed}, on whichever instance is asked, so its admin knows to send the file again.
 */
@Component
class BulkJobs {

    static final String RUNNING = "running";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** Five heartbeats missed: a stalled MongoDB round trip is not mistaken for a dead process. */
    static final Duration ABANDONED_AFTER = HEARTBEAT.multipliedBy(5);

    private static final Logger log = LoggerFactory.getLogger(BulkJobs.class);

    private final MongoCollection<Document> jobs;
    private final Clock clock;
    /** The jobs this process runs, whose heartbeat it keeps. */
    private final Set<String> runningHere = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bulk-job-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    BulkJobs(MongoDatabase database, Clock clock) {
        this.jobs = database.getCollection("bulk-invitation-jobs-v1");
        this.clock = clock;
        long period = HEARTBEAT.toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopHeartbeat() {
        heartbeat.shutdownNow();
    }

    /** What an admin sees of a job; {@code invited} and {@code failed} are known once it completed. */
    record Status(UUID jobId, UUID organizationId, String status, int total, Integer invited, List<FailedRow> failed,
                  UUID startedBy, Instant startedAt, Instant completedAt) {
    }

    void started(UUID jobId, UUID organizationId, UUID actorId, int total, Instant at) {
        jobs.insertOne(new Document("_id", jobId.toString())
                .append("organizationId", organizationId.toString())
                .append("status", RUNNING)
                .append("total", total)
                .append("startedBy", actorId.toString())
                .append("startedAt", Date.from(at))
                .append("heartbeatAt", Date.from(at)));
        runningHere.add(jobId.toString());
    }

    /** The upload of the job returned or threw here: its heartbeat stops (its status was set by then). */
    void finishedHere(UUID jobId) {
        runningHere.remove(jobId.toString());
    }

    private void beat() {
        if (runningHere.isEmpty()) {
            return;
        }
        try {
            jobs.updateMany(Filters.and(Filters.in("_id", List.copyOf(runningHere)), Filters.eq("status", RUNNING)),
                    Updates.set("heartbeatAt", Date.from(clock.instant())));
        } catch (RuntimeException e) {
            // a MongoDB outage: the next beat tries again; a job stays running for ABANDONED_AFTER meanwhile
            log.debug("Cannot refresh the bulk jobs' heartbeat: {}", e.toString());
        }
    }

    /** Upserts, so a job completed on another instance (or replayed) is recorded whatever this one saw. */
    void completed(UUID jobId, UUID organizationId, UUID actorId, int total, int invited, List<FailedRow> failed, Instant at) {
        List<Document> rows = failed.stream().map(row -> new Document("line", row.line()).append("email", row.email())
                .append("code", row.code()).append("detail", row.detail())).toList();
        jobs.updateOne(Filters.eq("_id", jobId.toString()), Updates.combine(
                        Updates.set("organizationId", organizationId.toString()),
                        Updates.set("status", COMPLETED),
                        Updates.set("total", total),
                        Updates.set("invited", invited),
                        Updates.set("failed", rows),
                        Updates.setOnInsert("startedBy", actorId == null ? null : actorId.toString()),
                        Updates.set("completedAt", Date.from(at))),
                new UpdateOptions().upsert(true));
    }

    void failed(UUID jobId) {
        jobs.updateOne(Filters.and(Filters.eq("_id", jobId.toString()), Filters.eq("status", RUNNING)),
                Updates.set("status", FAILED));
    }

    Optional<Status> find(UUID jobId) {
        Document d = jobs.find(Filters.eq("_id", jobId.toString())).first();
        if (d == null) {
            return Optional.empty();
        }
        if (RUNNING.equals(d.getString("status")) && abandoned(d)) {
            jobs.updateOne(Filters.and(Filters.eq("_id", jobId.toString()), Filters.eq("status", RUNNING)),
                    Updates.set("status", FAILED));
            d = jobs.find(Filters.eq("_id", jobId.toString())).first();
        }
        List<FailedRow> failed = d.getList("failed", Document.class, List.of()).stream()
                .map(row -> new FailedRow(row.getInteger("line"), row.getString("email"), row.getString("code"), row.getString("detail")))
                .toList();
        return Optional.of(new Status(jobId, UUID.fromString(d.getString("organizationId")), d.getString("status"),
                d.getInteger("total", 0), d.getInteger("invited"), failed,
                d.getString("startedBy") == null ? null : UUID.fromString(d.getString("startedBy")),
                d.getDate("startedAt") == null ? null : d.getDate("startedAt").toInstant(),
                d.getDate("completedAt") == null ? null : d.getDate("completedAt").toInstant()));
    }

    /** Running, but no process has refreshed its heartbeat for {@link #ABANDONED_AFTER}: its process died. */
    private boolean abandoned(Document job) {
        Date beat = job.getDate("heartbeatAt") != null ? job.getDate("heartbeatAt") : job.getDate("startedAt");
        return beat == null || beat.toInstant().isBefore(clock.instant().minus(ABANDONED_AFTER));
    }
}
