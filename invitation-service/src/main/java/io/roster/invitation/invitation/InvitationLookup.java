package io.roster.invitation.invitation;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The invitation service's own lookups, kept by {@link InvitationLookupProjection} in the commanding
 * thread: invitations by id and by token hash ({@code invitation-lookup-v1}), and the claims on
 * (organization, address) of pending invitations ({@code pending-invitation-addresses-v1}, the pair as
 * the unique {@code _id}), which a request takes before issuing so an address has at most one pending
 * invitation per organization even with concurrent requests or several instances.
 */
@Component
class InvitationLookup {

    private final MongoCollection<Document> invitations;
    private final MongoCollection<Document> claims;

    InvitationLookup(MongoDatabase database) {
        this.invitations = database.getCollection("invitation-lookup-v1");
        this.claims = database.getCollection("pending-invitation-addresses-v1");
        invitations.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().name("by_token_hash"));
        invitations.createIndex(Indexes.ascending("status", "expiresAt"), new IndexOptions().name("by_status_expiry"));
    }

    /** A pending invitation's view, as preview, accept and the expiry job need it. */
    record Entry(UUID invitationId, UUID organizationId, String email, List<String> roles, String status, Instant expiresAt) {

        /** Pending but past its expiry counts as expired before the InvitationExpired arrives. */
        String effectiveStatus(Instant now) {
            return InvitationStatus.PENDING.json().equals(status) && !now.isBefore(expiresAt)
                    ? InvitationStatus.EXPIRED.json() : status;
        }
    }

    /** @return false when another invitation holds the address for the organization */
    boolean claim(UUID organizationId, String email, UUID invitationId) {
        try {
            claims.insertOne(new Document("_id", claimKey(organizationId, email)).append("invitationId", invitationId.toString()));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                Document holder = claims.find(Filters.eq("_id", claimKey(organizationId, email))).first();
                return holder != null && invitationId.toString().equals(holder.getString("invitationId"));
            }
            throw e;
        }
    }

    /** Gives the address back, if this invitation holds it. */
    void release(UUID organizationId, String email, UUID invitationId) {
        claims.deleteOne(Filters.and(Filters.eq("_id", claimKey(organizationId, email)),
                Filters.eq("invitationId", invitationId.toString())));
    }

    void issued(UUID invitationId, UUID organizationId, String email, List<String> roles, String tokenHash, Instant expiresAt) {
        invitations.replaceOne(Filters.eq("_id", invitationId.toString()),
                new Document("_id", invitationId.toString())
                        .append("organizationId", organizationId.toString())
                        .append("email", email)
                        .append("roles", roles)
                        .append("tokenHash", tokenHash)
                        .append("status", InvitationStatus.PENDING.json())
                        .append("expiresAt", Date.from(expiresAt)),
                new ReplaceOptions().upsert(true));
    }

    void resent(UUID invitationId, String tokenHash, Instant expiresAt) {
        invitations.updateOne(Filters.eq("_id", invitationId.toString()), Updates.combine(
                Updates.set("tokenHash", tokenHash),
                Updates.set("expiresAt", Date.from(expiresAt)),
                Updates.set("status", InvitationStatus.PENDING.json())));
    }

    void ended(UUID invitationId, UUID organizationId, String email, InvitationStatus status) {
        invitations.updateOne(Filters.eq("_id", invitationId.toString()), Updates.set("status", status.json()));
        release(organizationId, email, invitationId);
    }

    Optional<Entry> byId(UUID invitationId) {
        return first(Filters.eq("_id", invitationId.toString()));
    }

    Optional<Entry> byTokenHash(String tokenHash) {
        return first(Filters.eq("tokenHash", tokenHash));
    }

    /** Pending invitations whose expiry passed, oldest first. */
    List<UUID> due(Instant now, int limit) {
        return invitations.find(Filters.and(Filters.eq("status", InvitationStatus.PENDING.json()),
                        Filters.lte("expiresAt", Date.from(now))))
                .sort(Sorts.ascending("expiresAt")).limit(limit)
                .map(d -> UUID.fromString(d.getString("_id")))
                .into(new ArrayList<>());
    }

    private Optional<Entry> first(Bson filter) {
        Document d = invitations.find(filter).first();
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(new Entry(UUID.fromString(d.getString("_id")), UUID.fromString(d.getString("organizationId")),
                d.getString("email"), d.getList("roles", String.class, List.of()), d.getString("status"),
                d.getDate("expiresAt").toInstant()));
    }

    private static String claimKey(UUID organizationId, String email) {
        return organizationId + ":" + email;
    }
}
