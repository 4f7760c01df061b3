package io.roster.query.audit;

import io.roster.events.EventEnvelope;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Every event of every topic into the audit log, with or without an organization: events of a user's own
 * account (a sign-up's UserRegistered) are kept too, though no organization's timeline shows them.
 */
@Component
class AuditProjection implements Projection, EventBatch.Writer<AuditEntry> {

    private final AuditLog log;

    AuditProjection(AuditLog log) {
        this.log = log;
    }

    @Override
    public void apply(EventEnvelope envelope) {
        log.record(AuditEntry.of(envelope));
    }

    /** In a batch, the entries go in with one insert at its end (nothing reads them while it is applied). */
    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        batch.hold(this, AuditEntry.of(envelope));
    }

    @Override
    public void writeAll(List<AuditEntry> entries) {
        log.recordAll(entries);
    }
}
