package io.roster.notification.delivery;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.roster.events.notification.NotificationKind;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.nin;
import static io.roster.notification.delivery.DeliveryDocuments.date;
import static io.roster.notification.delivery.DeliveryDocuments.kindValue;
import static io.roster.notification.delivery.DeliveryDocuments.recipientKey;
import static io.roster.notification.delivery.DeliveryDocuments.value;

/**
 * The outbox of emails ({@code deliveries-v1}, mapped by {@link DeliveryDocuments}): every write to a delivery,
 * from its recording through claims under a lease to its outcome and the outcome's publication. Every state
 * change after the claim is fenced by the lease token, so a worker that lost its lease (it stalled, and
 * another worker or instance took the delivery over) cannot overwrite what the other one recorded.
 * {@link DeliveryLog} reads what it wrote.
 */
@Component
public class DeliveryQueue {

    private static final int DUPLICATE_KEY = 11000;

    private final DeliveryDocuments documents;
    private final MongoCollection<Document> collection;

    DeliveryQueue(DeliveryDocuments documents) {
        this.documents = documents;
        this.collection = documents.collection();
    }

    /** @return false when a delivery of the same triggering event (or the same id) exists: nothing was written */
    public boolean insert(Delivery delivery, String leaseOwner) {
        documents.ensureIndexes();
        try {
            collection.insertOne(DeliveryDocuments.asDocument(delivery).append("leaseOwner", leaseOwner));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY || e.getError().getCode() == DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Records deliveries in one round trip (unordered: one recorded before, the same event read again, stops no other).
     *
     * @return how many were new
     */
    public int insertAll(List<Delivery> deliveries) {
        documents.ensureIndexes();
        try {
            collection.insertMany(deliveries.stream().map(DeliveryDocuments::asDocument).toList(), new InsertManyOptions().ordered(false));
            return deliveries.size();
        } catch (MongoBulkWriteException e) {
            boolean onlyRecordedBefore = e.getWriteErrors().stream().allMatch(error ->
                    error.getCategory() == ErrorCategory.DUPLICATE_KEY || error.getCode() == DUPLICATE_KEY);
            if (!onlyRecordedBefore || e.getWriteConcernError() != null) {
                throw e;
            }
            return deliveries.size() - e.getWriteErrors().size();
        }
    }

    /**
     * The most overdue deliveries that wait for an attempt (or whose claim lease expired before their
     * SMTP transaction started), of routes not excluded: candidates, each still to be {@link #claim claimed}.
     */
    List<Delivery> dueCandidates(Collection<String> excludedRoutes, Instant now, int limit) {
        documents.ensureIndexes();
        List<Bson> conditions = new ArrayList<>(List.of(
                in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING), value(DeliveryStatus.CLAIMED)),
                lte("dueAt", date(now))));
        if (!excludedRoutes.isEmpty()) {
            conditions.add(nin("route", excludedRoutes));
        }
        return collection.find(and(conditions)).projection(Projections.include("_id", "route", "dueAt"))
                .sort(Sorts.ascending("dueAt")).limit(limit)
                .map(d -> candidate(d.getString("_id"), d.getString("route"))).into(new ArrayList<>());
    }

    /**
     * Takes a candidate under a fresh lease if it is still due (nobody claimed, sent or cancelled it
     * meanwhile); counts the attempt. Atomic: of two workers or instances, one gets it.
     */
    Optional<Delivery> claim(String notificationId, Instant now, Duration lease, String owner) {
        Document claimed = collection.findOneAndUpdate(and(eq("_id", notificationId), claimable(now)),
                claimUpdate(UUID.randomUUID().toString(), now, lease, owner),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(claimed).map(DeliveryDocuments::toDelivery);
    }

    /**
     * {@link #claim Claims} several candidates at once, in two round trips whatever their number: one update takes those
     * still due under one fresh lease token, one read returns them. Those another worker took meanwhile are left out.
     *
     * @return the claimed deliveries, in the order of {@code notificationIds}
     */
    List<Delivery> claimAll(List<String> notificationIds, Instant now, Duration lease, String owner) {
        if (notificationIds.size() == 1) {
            return claim(notificationIds.get(0), now, lease, owner).map(List::of).orElse(List.of());
        }
        String leaseToken = UUID.randomUUID().toString();
        collection.updateMany(and(in("_id", notificationIds), claimable(now)), claimUpdate(leaseToken, now, lease, owner));
        Map<String, Delivery> claimed = new HashMap<>();
        collection.find(and(in("_id", notificationIds), eq("leaseToken", leaseToken)))
                .forEach(document -> claimed.put(document.getString("_id"), DeliveryDocuments.toDelivery(document)));
        return notificationIds.stream().map(claimed::get).filter(Objects::nonNull).toList();
    }

    /**
     * Claims a worker will not attempt after all (its route paused at an earlier email's failure) go back to the queue,
     * due at once and their attempt not counted, in one update.
     */
    void giveBack(List<Delivery> claims, Instant now) {
        if (claims.isEmpty()) {
            return;
        }
        collection.updateMany(and(
                        in("_id", claims.stream().map(c -> c.notificationId().toString()).toList()),
                        in("leaseToken", claims.stream().map(Delivery::leaseToken).distinct().toList()),
                        eq("status", value(DeliveryStatus.CLAIMED))),
                Updates.combine(
                        Updates.set("status", value(DeliveryStatus.PENDING)),
                        Updates.set("dueAt", date(now)),
                        Updates.set("updatedAt", date(now)),
                        Updates.inc("attempts", -1),
                        Updates.unset("leaseToken")));
    }

    private static Bson claimable(Instant now) {
        return and(in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING), value(DeliveryStatus.CLAIMED)),
                lte("dueAt", date(now)));
    }

    private static Bson claimUpdate(String leaseToken, Instant now, Duration lease, String owner) {
        return Updates.combine(
                Updates.set("status", value(DeliveryStatus.CLAIMED)),
                Updates.set("leaseToken", leaseToken),
                Updates.set("leaseOwner", owner),
                Updates.set("dueAt", date(now.plus(lease))),
                Updates.set("updatedAt", date(now)),
                Updates.inc("attempts", 1));
    }

    /**
     * Extends the leases of deliveries held by one instance's live workers to {@code until}, all in one update: those
     * still {@code claimed} or {@code sending} under the given lease tokens. A lease lost meanwhile (another worker
     * re-claimed the delivery, or it became {@code unknown}) carries another token or status and is left alone.
     *
     * @param held the lease token of each delivery held, by notification id
     * @return how many leases were extended
     */
    long renewLeases(Map<String, String> held, Instant until) {
        if (held.isEmpty()) {
            return 0;
        }
        // by _id first, so that the update reads only these documents whatever the size of the log
        return collection.updateMany(and(
                        in("_id", held.keySet()),
                        in("leaseToken", held.values()),
                        in("status", value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                Updates.set("dueAt", date(until))).getModifiedCount();
    }

    /** Claims the most overdue due delivery of a route not excluded (what a single worker does). */
    Optional<Delivery> claimNext(Collection<String> excludedRoutes, Instant now, Duration lease, String owner) {
        for (Delivery candidate : dueCandidates(excludedRoutes, now, 10)) {
            Optional<Delivery> claimed = claim(candidate.notificationId().toString(), now, lease, owner);
            if (claimed.isPresent()) {
                return claimed;
            }
        }
        return Optional.empty();
    }

    /** A delivery known only by id and route, as a candidate list holds it. */
    private static Delivery candidate(String id, String route) {
        return new Delivery(UUID.fromString(id), null, null, null, route, null, null, null, null, 0, null, null, null, null,
                null, null, null, null, null, null, 0, null, null, null, false, null, 0, null, false);
    }

    /**
     * The SMTP transaction is about to start: from now on a lost worker means an unknown outcome. Going through an
     * organization's own server is recorded for good (no later attempt clears it).
     */
    boolean markSending(Delivery claim, String recipient, boolean organizationServer, Instant now, Duration lease) {
        return collection.updateOne(sendingFilter(claim), sendingUpdate(recipient, organizationServer, now, lease))
                .getModifiedCount() == 1;
    }

    /**
     * {@link #markSending} of one email and {@link #markSent} of the email its worker sent just before, in one round trip.
     * When either write finds the delivery changed meanwhile (a lease lost, an outcome recorded as unknown), a read of
     * the two tells which write took, and an earlier email not recorded sent here is recorded by {@link #markSent}.
     *
     * @return whether this email is now {@code sending}, and the earlier email as recorded sent (empty: its lease had
     * passed to another worker)
     */
    Sending markSending(Delivery claim, String recipient, boolean organizationServer, Instant now, Duration lease, Accepted earlier) {
        String outcomeEventId = UUID.randomUUID().toString();
        BulkWriteResult written = collection.bulkWrite(List.of(
                new UpdateOneModel<>(and(fenced(earlier.claim()), eq("status", value(DeliveryStatus.SENDING))),
                        outcomeUpdate(DeliveryStatus.SENT, null, earlier.at(), Updates.set("sentAt", date(earlier.at())), outcomeEventId)),
                new UpdateOneModel<>(sendingFilter(claim), sendingUpdate(recipient, organizationServer, now, lease))),
                new BulkWriteOptions().ordered(false));
        if (written.getModifiedCount() == 2) {
            return new Sending(true, Optional.of(earlier.recordedSent(UUID.fromString(outcomeEventId))));
        }
        Map<String, Document> found = new HashMap<>();
        collection.find(in("_id", earlier.claim().notificationId().toString(), claim.notificationId().toString()))
                .projection(Projections.include("status", "leaseToken", "outcomeEventId"))
                .forEach(document -> found.put(document.getString("_id"), document));
        Document earlierNow = found.get(earlier.claim().notificationId().toString());
        Optional<Delivery> earlierSent = earlierNow != null && outcomeEventId.equals(earlierNow.getString("outcomeEventId"))
                ? Optional.of(earlier.recordedSent(UUID.fromString(outcomeEventId)))
                : markSent(earlier.claim(), earlier.at());
        Document claimNow = found.get(claim.notificationId().toString());
        boolean sending = claimNow != null && value(DeliveryStatus.SENDING).equals(claimNow.getString("status"))
                && claim.leaseToken().equals(claimNow.getString("leaseToken"));
        return new Sending(sending, earlierSent);
    }

    /** What {@link #markSending(Delivery, String, boolean, Instant, Duration, Accepted)} found. */
    record Sending(boolean sending, Optional<Delivery> earlierSent) {
    }

    private static Bson sendingFilter(Delivery claim) {
        return and(fenced(claim), eq("status", value(DeliveryStatus.CLAIMED)));
    }

    private static Bson sendingUpdate(String recipient, boolean organizationServer, Instant now, Duration lease) {
        List<Bson> updates = new ArrayList<>(List.of(
                Updates.set("status", value(DeliveryStatus.SENDING)),
                Updates.set("recipient", recipient),
                Updates.set("recipientKey", recipientKey(recipient)),
                Updates.set("dueAt", date(now.plus(lease))),
                Updates.set("updatedAt", date(now))));
        if (organizationServer) {
            updates.add(Updates.set("organizationServerUsed", true));
        }
        return Updates.combine(updates);
    }

    /**
     * The server accepted the email. Also upgrades an {@code unknown} outcome recorded meanwhile by
     * another instance that thought this worker dead: the email did go out, and the log says so.
     */
    Optional<Delivery> markSent(Delivery claim, Instant now) {
        return outcome(and(fenced(claim), in("status", value(DeliveryStatus.SENDING), value(DeliveryStatus.UNKNOWN))),
                DeliveryStatus.SENT, null, now, Updates.set("sentAt", date(now)));
    }

    Optional<Delivery> markFailed(Delivery claim, String error, Instant now) {
        return outcome(and(fenced(claim), in("status", value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                DeliveryStatus.FAILED, error, now, Updates.unset("leaseToken"));
    }

    /** Another attempt later; {@code countsAsAttempt} false when the email only waits for a fact. */
    boolean reschedule(Delivery claim, DeliveryStatus status, Instant dueAt, String reason, boolean countsAsAttempt, Instant now) {
        List<Bson> updates = new ArrayList<>(List.of(
                Updates.set("status", value(status)),
                Updates.set("dueAt", date(dueAt)),
                Updates.set("lastError", reason),
                Updates.set("updatedAt", date(now)),
                Updates.unset("leaseToken")));
        if (!countsAsAttempt) {
            updates.add(Updates.inc("attempts", -1));
        }
        return collection.updateOne(and(fenced(claim), in("status", value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                Updates.combine(updates)).getModifiedCount() == 1;
    }

    boolean markCancelled(Delivery claim, String reason, Instant now) {
        return collection.updateOne(and(fenced(claim), eq("status", value(DeliveryStatus.CLAIMED))), Updates.combine(
                Updates.set("status", value(DeliveryStatus.CANCELLED)),
                Updates.set("lastError", reason),
                Updates.set("updatedAt", date(now)),
                Updates.inc("attempts", -1),
                Updates.unset("dueAt"),
                Updates.unset("leaseToken"))).getModifiedCount() == 1;
    }

    /**
     * One delivery whose worker stopped during the SMTP transaction (its lease ran out while
     * {@code sending}) becomes {@code unknown}: it is not sent again. The lease token stays, so that a
     * worker that was only stalled can still record that the email went out.
     */
    Optional<Delivery> expireOneInFlight(Instant now) {
        return outcome(and(eq("status", value(DeliveryStatus.SENDING)), lte("dueAt", date(now))), DeliveryStatus.UNKNOWN,
                "outcome unknown: the service stopped during the SMTP transaction, so the email may or may not have "
                        + "been delivered; it is not sent again (at most once)", now, null);
    }

    /** This worker cannot tell how its SMTP transaction ended. */
    Optional<Delivery> markUnknown(Delivery claim, String reason, Instant now) {
        return outcome(and(fenced(claim), eq("status", value(DeliveryStatus.SENDING))), DeliveryStatus.UNKNOWN, reason, now, null);
    }

    /**
     * An invitation's emails (invitation, resend, reminder) triggered before {@code before} are pointless now (their link stopped working,
     * or the invitation ended): those still waiting are cancelled, those a worker holds are marked so that
     * they are cancelled rather than retried if their attempt fails. One a worker is sending goes out, and so does one
     * claimed in a worker's turn whose attempt then succeeds (a turn holds its claims for the time of its few sends).
     *
     * @return how many waiting emails were cancelled
     */
    public long cancelInvitationEmails(UUID invitationId, Instant before, String reason, Instant now) {
        documents.ensureIndexes();
        Bson earlierEmails = and(
                eq("invitationId", invitationId.toString()),
                in("kind", kindValue(NotificationKind.INVITATION), kindValue(NotificationKind.INVITATION_RESENT),
                        kindValue(NotificationKind.INVITATION_REMINDER)),
                lt("eventOccurredAt", date(before)));
        // every unfinished one is marked first, waiting ones too: one that a worker claims between this write and the
        // next (a retry falling due) is then cancelled by that worker instead of slipping past both writes and
        // retrying for good, as NotificationServiceTest's outage case once saw
        collection.updateMany(and(earlierEmails, in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING),
                        value(DeliveryStatus.CLAIMED), value(DeliveryStatus.SENDING))),
                Updates.set("obsoleteBecause", reason));
        return collection.updateMany(and(earlierEmails, in("status", value(DeliveryStatus.PENDING), value(DeliveryStatus.RETRYING))),
                Updates.combine(
                        Updates.set("status", value(DeliveryStatus.CANCELLED)),
                        Updates.set("lastError", reason),
                        Updates.set("updatedAt", date(now)),
                        Updates.unset("dueAt"))).getModifiedCount();
    }

    /** Outcomes recorded before {@code recordedBefore} whose events are not published yet. */
    List<Delivery> unpublishedOutcomes(Instant recordedBefore, int limit) {
        return collection.find(and(eq("outboxPending", true), lt("updatedAt", date(recordedBefore))))
                .limit(limit).map(DeliveryDocuments::toDelivery).into(new ArrayList<>());
    }

    /** The outcome events of these ids reached Kafka (a newer outcome recorded meanwhile keeps its flag). */
    void outcomesPublished(Collection<Delivery> published) {
        if (published.isEmpty()) {
            return;
        }
        collection.updateMany(and(
                        in("_id", published.stream().map(d -> d.notificationId().toString()).toList()),
                        in("outcomeEventId", published.stream().map(d -> d.outcomeEventId().toString()).toList())),
                Updates.unset("outboxPending"));
    }

    private Optional<Delivery> outcome(Bson filter, DeliveryStatus status, String error, Instant now, Bson extra) {
        Document after = collection.findOneAndUpdate(filter, outcomeUpdate(status, error, now, extra, UUID.randomUUID().toString()),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(after).map(DeliveryDocuments::toDelivery);
    }

    private static Bson outcomeUpdate(DeliveryStatus status, String error, Instant now, Bson extra, String outcomeEventId) {
        List<Bson> updates = new ArrayList<>(List.of(
                Updates.set("status", value(status)),
                Updates.set("updatedAt", date(now)),
                Updates.set("outboxPending", true),
                Updates.set("outcomeEventId", outcomeEventId),
                Updates.inc("outcomes", 1),
                Updates.unset("dueAt")));
        if (error != null) {
            updates.add(Updates.set("lastError", error));
        }
        if (extra != null) {
            updates.add(extra);
        }
        return Updates.combine(updates);
    }

    private static Bson fenced(Delivery claim) {
        return and(eq("_id", claim.notificationId().toString()), eq("leaseToken", claim.leaseToken()));
    }
}
