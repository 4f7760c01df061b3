package io.roster.kit.consumer;

import org.bson.Document;

import java.time.Instant;
import java.util.Date;

/**
 * Why an aggregate's events wait: a dead letter not yet re-driven or discarded, or a sequence number that never
 * arrived ({@code missing}).
 */
record Parked(Reason reason, String deadLetterId, Long missing, Instant since) {

    enum Reason { DEAD_LETTER, GAP }

    static Parked behind(String deadLetterId) {
        return new Parked(Reason.DEAD_LETTER, deadLetterId, null, Instant.now());
    }

    static Parked gap(long missing) {
        return new Parked(Reason.GAP, null, missing, Instant.now());
    }

    boolean gap() {
        return reason == Reason.GAP;
    }

    Document asDocument() {
        return new Document("reason", reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .append("deadLetterId", deadLetterId).append("missing", missing).append("since", Date.from(since));
    }

    static Parked fromDocument(Document d) {
        Reason reason = "gap".equals(d.getString("reason")) ? Reason.GAP : Reason.DEAD_LETTER;
        Number missing = d.get("missing", Number.class);
        Date since = d.getDate("since");
        return new Parked(reason, d.getString("deadLetterId"), missing == null ? null : missing.longValue(),
                since == null ? Instant.EPOCH : since.toInstant());
    }
}
