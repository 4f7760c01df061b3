package io.roster.notification.trigger;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Events older than this instant are read (they feed the users, organizations and memberships
 * projections) but send no email. It is the first start of the service on its database, recorded once
 * in {@code service-state-v1}, unless {@code roster.notification.send-events-after} sets it.
 *
 * <p>Why: the event-id dedupe makes redeliveries and replays harmless as long as the deliveries are
 * kept. A fresh database (a new deployment reading topics that keep every record, a lost database, a
 * replay from offset 0) has no deliveries, and without this watermark it would email the whole history
 * again: years-old invitations, welcomes and removal notices. Emails are about now; history is not
 * re-sent. Restoring a lost database mid-operation: set {@code send-events-after} to the moment the
 * previous database stopped, so that what was still owed then goes out.
 */
@Component
public class SendWatermark {

    private static final Logger log = LoggerFactory.getLogger(SendWatermark.class);

    private final MongoCollection<Document> state;
    private final Settings settings;
    private final Instant startedAt;
    private volatile Instant sendEventsAfter;

    SendWatermark(MongoDatabase database, Settings settings, Clock clock) {
        this.state = database.getCollection("service-state-v1");
        this.settings = settings;
        this.startedAt = clock.instant();
    }

    public boolean sendsFor(Instant occurredAt) {
        return !occurredAt.isBefore(sendEventsAfter());
    }

    /** Read (or recorded, on the very first start) when the first event needs it, not at start-up: MongoDB may be away then. */
    public Instant sendEventsAfter() {
        Instant known = sendEventsAfter;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (sendEventsAfter == null) {
                if (settings.sendEventsAfter() != null) {
                    sendEventsAfter = settings.sendEventsAfter();
                    log.info("Emails are sent for events after {} (roster.notification.send-events-after)", sendEventsAfter);
                } else {
                    Document watermark = state.findOneAndUpdate(Filters.eq("_id", "send-watermark"),
                            Updates.setOnInsert("sendEventsAfter", java.util.Date.from(startedAt)),
                            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
                    sendEventsAfter = watermark.getDate("sendEventsAfter").toInstant();
                    log.info("Emails are sent for events after {}, the first start of this notification database; "
                            + "older events only feed the projections", sendEventsAfter);
                }
            }
            return sendEventsAfter;
        }
    }

    /** {@code roster.notification.send-events-after}: an explicit watermark, overriding the recorded one. */
    @ConfigurationProperties("roster.notification")
    public record Settings(Instant sendEventsAfter) {
    }
}
