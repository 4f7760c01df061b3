package io.roster.identity.account;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
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
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.LinkAudience;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
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
 * <p>Every write is a replace or a set keyed by the event's own facts, so a redelivered event changes nothing.
 *
 * <p>A link's quota is also held here against concurrent sign-ups: each sign-up through a link with a quota
 * {@linkplain #reserve reserves} a use first (its user id in {@code reservations}, counted in {@code reserved}), by a
 * conditional update that admits it only while {@code used + reserved < quota}; the reservation is
 * {@linkplain #release released} when the registration fails, and settled when the invitation service's
 * InvitationLinkUsed for that user arrives (the use then counts in {@code used}).
 */
@Component
public class InvitationTokens {

    static final String INVITATION = "invitation";
    static final String LINK = "link";

    private final MongoCollection<Document> tokens;

    InvitationTokens(MongoDatabase database) {
        this.tokens = database.getCollection("invitation-tokens-v1");
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

    public void apply(EventEnvelope envelope) {
        Object event = envelope.event();
        if (event instanceof InvitationIssued e) {
            put(e.tokenHash(), INVITATION, e.invitationId(), e.organizationId(), List.of(EmailAddress.normalize(e.email())),
                    e.expiresAt(), null, e.eventId());
        } else if (event instanceof InvitationResent e) {
            // the old token dies with the resend: only the newest hash of an invitation stays
            tokens.deleteMany(Filters.and(bySource(e.invitationId()), Filters.ne("_id", e.tokenHash())));
            put(e.tokenHash(), INVITATION, e.invitationId(), e.organizationId(), List.of(EmailAddress.normalize(e.email())),
                    e.expiresAt(), null, e.eventId());
        } else if (event instanceof InvitationRevoked e) {
            status(e.invitationId(), "revoked");
        } else if (event instanceof InvitationExpired e) {
            status(e.invitationId(), "expired");
        } else if (event instanceof InvitationAccepted e) {
            status(e.invitationId(), "accepted");
        } else if (event instanceof InvitationLinkCreated e) {
            put(e.tokenHash(), LINK, e.linkId(), e.organizationId(), audience(e.emails()), e.expiresAt(), e.quota(), null);
        } else if (event instanceof InvitationLinkUpdated e) {
            tokens.updateMany(bySource(e.linkId()), Updates.combine(
                    Updates.set("audience", audience(e.emails())),
                    Updates.set("expiresAt", e.expiresAt() == null ? null : Date.from(e.expiresAt())),
                    Updates.set("quota", e.quota())));
        } else if (event instanceof InvitationLinkDisabled e) {
            status(e.linkId(), "disabled");
        } else if (event instanceof InvitationLinkEnabled e) {
            status(e.linkId(), "enabled");
        } else if (event instanceof InvitationLinkUsed e) {
            // the user's reservation, if identity made one, becomes this use: both in one update, so no sign-up sees it twice
            tokens.updateMany(Filters.and(bySource(e.linkId()), Filters.eq("reservations", e.userId().toString())),
                    Updates.combine(Updates.max("used", e.used()), Updates.pull("reservations", e.userId().toString()),
                            Updates.inc("reserved", -1)));
            tokens.updateMany(bySource(e.linkId()), Updates.max("used", e.used()));
        }
        // rejections and bulk jobs change no token
    }

    /**
     * Reserves one use of the link of this token for a sign-up's new user, if its quota has room: {@code used} plus
     * the open reservations stay below {@code quota}, whatever the number of concurrent sign-ups and replicas (a
     * conditional update on the link's entry, retried while another sign-up changed it in between).
     *
     * @return false when the quota is used up; true when reserved, or when the token has no quota to count
     */
    public boolean reserve(String tokenHash, UUID userId) {
        while (true) {
            Document d = tokens.find(Filters.eq("_id", tokenHash)).first();
            if (d == null || d.getInteger("quota") == null) {
                return true;
            }
            int quota = d.getInteger("quota");
            int used = d.getInteger("used", 0);
            int reserved = d.getInteger("reserved", 0);
            if (used + reserved >= quota) {
                return false;
            }
            UpdateResult reservation = tokens.updateOne(Filters.and(Filters.eq("_id", tokenHash), Filters.eq("quota", quota),
                            Filters.eq("used", used),
                            reserved == 0 ? Filters.or(Filters.exists("reserved", false), Filters.eq("reserved", 0))
                                    : Filters.eq("reserved", reserved)),
                    Updates.combine(Updates.push("reservations", userId.toString()), Updates.inc("reserved", 1)));
            if (reservation.getModifiedCount() == 1) {
                return true;
            }
            // another sign-up (or an event) changed the entry since it was read: read it again
        }
    }

    /** Gives back a reservation whose sign-up failed; nothing when there is none (already released or settled). */
    public void release(String tokenHash, UUID userId) {
        tokens.updateOne(Filters.and(Filters.eq("_id", tokenHash), Filters.eq("reservations", userId.toString())),
                Updates.combine(Updates.pull("reservations", userId.toString()), Updates.inc("reserved", -1)));
    }

    private void put(String tokenHash, String kind, UUID sourceId, UUID organizationId, List<String> audience,
                     Instant expiresAt, Integer quota, UUID tokenEventId) {
        Document existing = tokens.find(Filters.eq("_id", tokenHash)).first();
        tokens.replaceOne(Filters.eq("_id", tokenHash), new Document("_id", tokenHash)
                .append("kind", kind)
                .append("sourceId", sourceId.toString())
                .append("organizationId", organizationId.toString())
                .append("audience", audience)
                .append("status", existing != null ? existing.getString("status") : kind.equals(LINK) ? "enabled" : "pending")
                .append("expiresAt", expiresAt == null ? null : Date.from(expiresAt))
                .append("quota", quota)
                .append("tokenEventId", tokenEventId == null ? null : tokenEventId.toString())
                .append("used", existing != null ? existing.getInteger("used", 0) : 0)
                // a redelivered event keeps the sign-ups' open reservations
                .append("reservations", existing != null ? existing.getList("reservations", String.class, List.of()) : List.of())
                .append("reserved", existing != null ? existing.getInteger("reserved", 0) : 0), new ReplaceOptions().upsert(true));
    }

    private void status(UUID sourceId, String status) {
        tokens.updateMany(bySource(sourceId), Updates.set("status", status));
    }

    private static Bson bySource(UUID sourceId) {
        return Filters.eq("sourceId", sourceId.toString());
    }

    private static List<String> audience(List<String> emails) {
        return emails == null ? List.of() : emails.stream().map(LinkAudience::normalize).toList();
    }
}
