package io.roster.invitation.bulk;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.invitation.FailedRow;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The status of bulk jobs for {@code GET …/invitations/bulk/{jobId}} ({@code bulk-invitation-jobs-v1}, one
 * document per job, read by its {@code _id} only). A job is {@code running} from the upload's start, then
 * {@code completed} by {@link BulkJobProjection} from its BulkInvitationCompleted, or {@code failed} when the
 * upload broke off (the rows invited until then stay invited; the upload may be sent again).
 */
@Component
class BulkJobs {

    static final String RUNNING = "running";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";

    private final MongoCollection<Document> jobs;

    BulkJobs(MongoDatabase database) {
        this.jobs = database.getCollection("bulk-invitation-jobs-v1");
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
                .append("startedAt", Date.from(at)));
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
        List<FailedRow> failed = d.getList("failed", Document.class, List.of()).stream()
                .map(row -> new FailedRow(row.getInteger("line"), row.getString("email"), row.getString("code"), row.getString("detail")))
                .toList();
        return Optional.of(new Status(jobId, UUID.fromString(d.getString("organizationId")), d.getString("status"),
                d.getInteger("total", 0), d.getInteger("invited"), failed,
                d.getString("startedBy") == null ? null : UUID.fromString(d.getString("startedBy")),
                d.getDate("startedAt") == null ? null : d.getDate("startedAt").toInstant(),
                d.getDate("completedAt") == null ? null : d.getDate("completedAt").toInstant()));
    }
}
