package io.roster.identity.account;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import io.roster.events.EmailAddress;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.invitation.LinkAudience;
import io.roster.kit.consumer.HeldWrites;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Identity's own projection of the invitation tokens of {@code roster.invitation.v1} ({@code invitation-tokens-v1},
 * keyed by the token's SHA-256): what a sign-up with an invitation token must check before it creates the account
 * (PRODUCT.md §4: sign-up needs a valid invitation token). Services share facts only through Kafka, so identity
 * keeps this rather than asking the invitation service; the invitation service still decides the acceptance itself
 * (quota, races) when it reads the sign-up's {@code UserRegistered}.
 *
 * <p>Every write sets what the event says, keyed by the event's own facts, so a redelivered event changes nothing.
 *
 * <p>A link's quota is also held here against concurrent sign-ups. Each sign-up through a link with a quota
 * {@linkplain #reserve reserves} a use first: an entry in {@code openReservations} ({@code {userId, expiresAt}}), admitted
 * only while {@code used + signUpUses + open reservations < quota}, by an update conditional on the entry's
 * {@code version} (every write to these fields raises it), so concurrent sign-ups on any number of replicas never
 * overbook. The reservation is {@linkplain #release released} when the registration fails, and
 * {@linkplain #confirm confirmed} when it succeeded: it becomes one of the {@code signUpUses}, which count until the
 * invitation service's InvitationLinkUsed for that user arrives and the use counts in {@code used} instead (one update,
 * so no sign-up sees it twice or not at all).
 *
 * <p>An open reservation stops counting at its {@code expiresAt}, {@link #RESERVATION_TIME} after it was made: a sign-up
 * that never finished (its process died between the reservation and the registration, or the release itself failed)
 * does not hold a use for ever. The next reservation on the link drops the expired ones. Every query here is by the
 * token's hash ({@code _id}) or its source ({@code by_source}).
 */
@Component
public class InvitationTokens {

    static final String INVITATION = "invitation";
    static final String LINK = "link";
    /** A sign-up that has not registered its user this long after reserving is taken for dead, as a stale address claim is. */
    static final Duration RESERVATION_TIME = Accounts.STALE_CLAIM;

    private static final String OPEN_RESERVATIONS = "openReservations";
    private static final String SIGN_UP_USES = "signUpUses";
    private static final String VERSION = "version";

    /** used + sign-up uses + open reservations (expired ones too) < quota. */
    private static final Document ROOM_COUNTING_EVERY_RESERVATION = new Document("$lt", List.of(
            new Document("$add", List.of(new Document("$ifNull", List.of("$used", 0)),
                    new Document("$size", new Document("$ifNull", List.of("$" + SIGN_UP_USES, List.of()))),
                    new Document("$size", new Document("$ifNull", List.of("$" + OPEN_RESERVATIONS, List.of()))))),
            "$quota"));

    private final MongoCollection<Document> tokens;
    private final HeldWrites writes = new HeldWrites();
    private final Clock clock;

    InvitationTokens(MongoDatabase database, Clock clock) {
        this.tokens = database.getCollection("invitation-tokens-v1");
        this.clock = clock;
        tokens.createIndex(Indexes.ascending("sourceId"), new IndexOptions().name("by_source"));
    }

    /**
     * What the token stands for. For an invitation, {@code audience} is its one address and {@code tokenEventId} the
     * InvitationIssued or InvitationResent that carried the token (whose email {@link InvitationDeliveries} knows);
     * for a link, its patterns and no event.
     */
    public record Token(String kind, UUID sourceId, UUID organizationId, List<String> audience, String status,
                        Instant expiresAt, Integer quota, int used, UUID tokenEventId) {

        public boolean isLink() {
            return LINK.equals(kind);
        }
    }

    public Optional<Token> byHash(String tokenHash) {
        Document d = tokens.find(Filters.eq("_id", tokenHash)).first();
        if (d == null) {
            return Optional.empty();
        }
        Date expiresAt = d.getDate("expiresAt");
        return Optional.of(new Token(d.getString("kind"), UUID.fromString(d.getString("sourceId")),
                UUID.fromString(d.getString("organizationId")), d.getList("audience", String.class, List.of()),
                d.getString("status"), expiresAt == null ? null : expiresAt.toInstant(), d.getInteger("quota"),
                d.getInteger("used", 0), d.getString("tokenEventId") == null ? null : UUID.fromString(d.getString("tokenEventId"))));
    }

    /** The event that carried the current token of the invitation; empty for a link or an invitation not seen. */
    Optional<UUID> currentTokenEvent(UUID invitationId) {
        return Optional.ofNullable(tokens.find(bySource(invitationId)).first())
                .map(d -> d.getString("tokenEventId"))
                .map(UUID::fromString);
    }

    /**
     * What the invitation topic's event says of its token, held to the poll's end ({@link #heldWrites}): the sign-ups
     * read the tokens, the consumer does not while it applies a poll, and the writes go in the events' order.
     */
    public void apply(EventEnvelope envelope) {
        Object event = envelope.event();
        if (event instanceof InvitationIssued e) {
            put(e.tokenHash(), INVITATION, e.invitationId(), e.organizationId(), List.of(EmailAddress.normalize(e.email())),
                    e.expiresAt(), null, e.eventId());
        } else if (event instanceof InvitationResent e) {
            // the old token dies with the resend: only the newest hash of an invitation stays
            writes.add(tokens, new DeleteManyModel<>(Filters.and(bySource(e.invitationId()), Filters.ne("_id", e.tokenHash()))));
            put(e.tokenHash(), INVITATION, e.invitationId(), e.organizationId(), List.of(EmailAddress.normalize(e.email())),
                    e.expiresAt(), null, e.eventId());
        } else if (event instanceof InvitationRevoked e) {
            status(e.invitationId(), "revoked");
        } else if (event instanceof InvitationDeclined e) {
            status(e.invitationId(), "declined");
        } else if (event instanceof InvitationUpdated e) {
            writes.add(tokens, new UpdateManyModel<>(bySource(e.invitationId()), Updates.set("expiresAt", Date.from(e.expiresAt()))));
        } else if (event instanceof InvitationExpired e) {
            status(e.invitationId(), "expired");
        } else if (event instanceof InvitationAccepted e) {
            status(e.invitationId(), "accepted");
        } else if (event instanceof InvitationLinkCreated e) {
            put(e.tokenHash(), LINK, e.linkId(), e.organizationId(), audience(e.emails()), e.expiresAt(), e.quota(), null);
        } else if (event instanceof InvitationLinkUpdated e) {
            writes.add(tokens, new UpdateManyModel<>(bySource(e.linkId()), Updates.combine(
                    Updates.set("audience", audience(e.emails())),
                    Updates.set("expiresAt", e.expiresAt() == null ? null : Date.from(e.expiresAt())),
                    Updates.set("quota", e.quota()))));
        } else if (event instanceof InvitationLinkDisabled e) {
            status(e.linkId(), "disabled");
        } else if (event instanceof InvitationLinkEnabled e) {
            status(e.linkId(), "enabled");
        }
        // rejections and bulk jobs change no token; a link's uses come through LinkUseCounts
    }

    /**
     * The scope of the consumer that calls {@link #apply}: the token writes of its poll at the poll's end, before the
     * poll's link uses are counted ({@link LinkUseCounts}), so a link created and used in one poll is there to count.
     */
    public HeldWrites heldWrites() {
        return writes;
    }

    /**
     * InvitationLinkUsed of these users, {@code used} the highest count among them: each user's sign-up use (or
     * reservation), if identity holds one, becomes their use in {@code used}, in one update, so no sign-up sees a use
     * twice or not at all. A crowd's uses of one link arrive by the hundred ({@link LinkUseCounts}): one update for all.
     */
    void used(UUID linkId, int used, Collection<UUID> userIds) {
        List<String> users = userIds.stream().map(UUID::toString).distinct().toList();
        tokens.updateMany(bySource(linkId), Updates.combine(Updates.max("used", used), Updates.pullAll(SIGN_UP_USES, users),
                Updates.pull(OPEN_RESERVATIONS, new Document("userId", new Document("$in", users))), Updates.inc(VERSION, 1)));
    }

    /**
     * Reserves one use of the link of this token for a sign-up's new user, for {@link #RESERVATION_TIME}, if its quota
     * has room: {@code used}, the sign-up uses and the open reservations stay below {@code quota}, whatever the number
     * of concurrent sign-ups and replicas (an update conditional on the entry's version, retried while another sign-up
     * or an event changed it in between). Expired reservations are dropped on the way.
     *
     * @return false when the quota is used up; true when reserved, or when the token has no quota to count
     */
    public boolean reserve(String tokenHash, UUID userId) {
        // the usual case in one write: room for one more even if every open reservation still counted. A crowd signing
        // up through one link otherwise mostly loses the version race below to itself, and reads and writes again (12
        // commands per sign-up measured, for 4 without races)
        Document mine = new Document("userId", userId.toString())
                .append("expiresAt", Date.from(clock.instant().plus(RESERVATION_TIME)));
        if (tokens.updateOne(Filters.and(Filters.eq("_id", tokenHash), Filters.ne("quota", null),
                        Filters.expr(ROOM_COUNTING_EVERY_RESERVATION)),
                Updates.combine(Updates.push(OPEN_RESERVATIONS, mine), Updates.inc(VERSION, 1))).getModifiedCount() == 1) {
            return true;
        }
        // no quota, no room, or expired reservations in the way: read, drop those, and write if nothing changed since
        while (true) {
            Document d = tokens.find(Filters.eq("_id", tokenHash)).first();
            if (d == null || d.getInteger("quota") == null) {
                return true;
            }
            int quota = d.getInteger("quota");
            int used = d.getInteger("used", 0);
            long version = d.get(VERSION) instanceof Number n ? n.longValue() : 0;
            Instant now = clock.instant();
            List<Document> open = new ArrayList<>(d.getList(OPEN_RESERVATIONS, Document.class, List.of()).stream()
                    .filter(reservation -> reservation.getDate("expiresAt").toInstant().isAfter(now))
                    .toList());
            int signUpUses = d.getList(SIGN_UP_USES, String.class, List.of()).size();
            if (used + signUpUses + open.size() >= quota) {
                return false;
            }
            open.add(new Document("userId", userId.toString()).append("expiresAt", Date.from(now.plus(RESERVATION_TIME))));
            UpdateResult reservation = tokens.updateOne(Filters.and(Filters.eq("_id", tokenHash), Filters.eq("quota", quota),
                            Filters.eq("used", used),
                            version == 0 ? Filters.or(Filters.exists(VERSION, false), Filters.eq(VERSION, 0)) : Filters.eq(VERSION, version)),
                    Updates.combine(Updates.set(OPEN_RESERVATIONS, open), Updates.set(VERSION, version + 1)));
            if (reservation.getModifiedCount() == 1) {
                return true;
            }
            // another sign-up (or an event) changed the entry since it was read: read it again
        }
    }

    /**
     * The sign-up registered its user: the reservation becomes a use that no longer expires (until InvitationLinkUsed
     * counts it in {@code used}). Nothing when the reservation is gone: released, or already settled by that event.
     */
    public void confirm(String tokenHash, UUID userId) {
        String user = userId.toString();
        tokens.updateOne(Filters.and(Filters.eq("_id", tokenHash), Filters.eq(OPEN_RESERVATIONS + ".userId", user)),
                Updates.combine(Updates.pull(OPEN_RESERVATIONS, new Document("userId", user)), Updates.addToSet(SIGN_UP_USES, user),
                        Updates.inc(VERSION, 1)));
    }

    /** Gives back a reservation whose sign-up failed; nothing when there is none (already released or settled). */
    public void release(String tokenHash, UUID userId) {
        String user = userId.toString();
        tokens.updateOne(Filters.and(Filters.eq("_id", tokenHash), Filters.eq(OPEN_RESERVATIONS + ".userId", user)),
                Updates.combine(Updates.pull(OPEN_RESERVATIONS, new Document("userId", user)), Updates.inc(VERSION, 1)));
    }

    /**
     * Writes what the event says and, for a new entry only, the state that later events and sign-ups change: a redelivered
     * event keeps the status, the uses and the sign-ups' reservations, and changes nothing a concurrent reservation wrote.
     */
    private void put(String tokenHash, String kind, UUID sourceId, UUID organizationId, List<String> audience,
                     Instant expiresAt, Integer quota, UUID tokenEventId) {
        writes.add(tokens, new UpdateOneModel<>(Filters.eq("_id", tokenHash), Updates.combine(
                Updates.set("kind", kind),
                Updates.set("sourceId", sourceId.toString()),
                Updates.set("organizationId", organizationId.toString()),
                Updates.set("audience", audience),
                Updates.set("expiresAt", expiresAt == null ? null : Date.from(expiresAt)),
                Updates.set("quota", quota),
                Updates.set("tokenEventId", tokenEventId == null ? null : tokenEventId.toString()),
                Updates.setOnInsert("status", kind.equals(LINK) ? "enabled" : "pending"),
                Updates.setOnInsert("used", 0),
                Updates.setOnInsert(OPEN_RESERVATIONS, List.of()),
                Updates.setOnInsert(SIGN_UP_USES, List.of())), new UpdateOptions().upsert(true)));
    }

    private void status(UUID sourceId, String status) {
        writes.add(tokens, new UpdateManyModel<>(bySource(sourceId), Updates.set("status", status)));
    }

    private static Bson bySource(UUID sourceId) {
        return Filters.eq("sourceId", sourceId.toString());
    }

    private static List<String> audience(List<String> emails) {
        return emails == null ? List.of() : emails.stream().map(LinkAudience::normalize).toList();
    }
}
