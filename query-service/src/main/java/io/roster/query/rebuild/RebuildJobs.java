package io.roster.query.rebuild;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * The rebuilds ({@code projection-rebuilds-v1}), so that any instance answers a job's status, and the one
 * lock that lets a single rebuild run at a time across every instance ({@code projection-rebuild-lock-v1}).
 * The lock is taken by an atomic upsert on a fixed id: of two instances, one inserts or takes over, the
 * other hits the unique {@code _id}. A rebuild reports progress, which renews the lock; one whose instance
 * died is taken over once it is stale.
 */
@Component
class RebuildJobs {

    private static final String LOCK_ID = "rebuild";
    private static final int DUPLICATE_KEY = 11000;

    private final MongoCollection<Document> jobs;
    private final MongoCollection<Document> lock;

    RebuildJobs(MongoDatabase database) {
        this.jobs = database.getCollection("projection-rebuilds-v1");
        this.lock = database.getCollection("projection-rebuild-lock-v1");
    }

    /**
     * Takes the lock for {@code jobId} when no rebuild holds it or the holder is stale.
     *
     * @return the job that held a stale lock (it died), empty when the lock was free
     * @throws RebuildInProgress when a live rebuild holds it
     */
    Optional<UUID> claim(UUID jobId, Instant now, Instant staleBefore) {
        Document holder = lock.find(Filters.eq("_id", LOCK_ID)).first();
        if (holder != null && holder.getString("jobId") != null && holder.getDate("heartbeatAt").toInstant().isAfter(staleBefore)) {
            // the common refusal, without provoking the duplicate key the atomic claim below would end in
            throw new RebuildInProgress(holder.getString("jobId"));
        }
        try {
            Document before = lock.findOneAndUpdate(
                    Filters.and(Filters.eq("_id", LOCK_ID),
                            Filters.or(Filters.eq("jobId", null), Filters.lt("heartbeatAt", Date.from(staleBefore)))),
                    Updates.combine(Updates.set("jobId", jobId.toString()), Updates.set("heartbeatAt", Date.from(now))),
                    new FindOneAndUpdateOptions().upsert(true));
            return Optional.ofNullable(before).map(d -> d.getString("jobId")).map(UUID::fromString);
        } catch (MongoException e) {
            if (e.getCode() == DUPLICATE_KEY || ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                Document winner = lock.find(Filters.eq("_id", LOCK_ID)).first();
                throw new RebuildInProgress(winner == null ? null : winner.getString("jobId"));
            }
            throw e;
        }
    }

    /** Renews the lock; false when another rebuild took it over (this one was taken for dead). */
    boolean heartbeat(UUID jobId, Instant now) {
        return lock.updateOne(Filters.and(Filters.eq("_id", LOCK_ID), Filters.eq("jobId", jobId.toString())),
                Updates.set("heartbeatAt", Date.from(now))).getModifiedCount() == 1;
    }

    void release(UUID jobId) {
        lock.updateOne(Filters.and(Filters.eq("_id", LOCK_ID), Filters.eq("jobId", jobId.toString())),
                Updates.set("jobId", null));
    }

    void save(RebuildJob job) {
        jobs.replaceOne(Filters.eq("_id", job.jobId().toString()), asDocument(job), new ReplaceOptions().upsert(true));
    }

    Optional<RebuildJob> find(UUID jobId) {
        return Optional.ofNullable(jobs.find(Filters.eq("_id", jobId.toString())).first()).map(RebuildJobs::toJob);
    }

    private static Document asDocument(RebuildJob job) {
        return new Document("_id", job.jobId().toString())
                .append("state", job.state().wireName())
                .append("eventsApplied", job.eventsApplied())
                .append("unreadable", job.unreadable())
                .append("target", job.target())
                .append("startedAt", Date.from(job.startedAt()))
                .append("finishedAt", job.finishedAt() == null ? null : Date.from(job.finishedAt()))
                .append("version", job.version())
                .append("previousVersion", job.previousVersion())
                .append("failure", job.failure());
    }

    private static RebuildJob toJob(Document d) {
        Date finishedAt = d.getDate("finishedAt");
        return new RebuildJob(UUID.fromString(d.getString("_id")), RebuildState.fromWire(d.getString("state")),
                d.get("eventsApplied", Number.class).longValue(), d.get("unreadable", Number.class).longValue(),
                d.get("target", Number.class).longValue(), d.getDate("startedAt").toInstant(),
                finishedAt == null ? null : finishedAt.toInstant(), d.getInteger("version"), d.getInteger("previousVersion"),
                d.getString("failure"));
    }

    /** Another rebuild holds the lock. */
    static final class RebuildInProgress extends RuntimeException {
        private final String runningJobId;

        RebuildInProgress(String runningJobId) {
            super("a rebuild is running", null, false, false);
            this.runningJobId = runningJobId;
        }

        String runningJobId() {
            return runningJobId;
        }
    }
}
