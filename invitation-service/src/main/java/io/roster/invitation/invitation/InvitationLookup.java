package io.roster.invitation.invitation;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.roster.events.invitation.InvitationValidity;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
            return InvitationValidity.ofInvitation(status, expiresAt, now) == InvitationValidity.EXPIRED
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

    /**
     * {@link #claim} for many addresses at once: one unordered insert of every claim, so a batch costs one
     * round trip and the unique {@code _id} still decides each address.
     *
     * @param invitationByEmail (normalized) address → the new invitation that would hold it
     * @return the addresses now held by their invitation
     */
    Set<String> claimAll(UUID organizationId, Map<String, UUID> invitationByEmail) {
        if (invitationByEmail.isEmpty()) {
            return Set.of();
        }
        List<Map.Entry<String, UUID>> wanted = List.copyOf(invitationByEmail.entrySet());
        List<Document> documents = wanted.stream()
                .map(e -> new Document("_id", claimKey(organizationId, e.getKey())).append("invitationId", e.getValue().toString()))
                .toList();
        Set<String> claimed = new HashSet<>(invitationByEmail.keySet());
        try {
            claims.insertMany(documents, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    releaseAll(organizationId, invitationByEmail);
                    throw e;
                }
                claimed.remove(wanted.get(error.getIndex()).getKey());
            }
        }
        return claimed;
    }

    /** Which of these addresses a pending invitation to the organization holds: one query, changes nothing. */
    Set<String> claimedAmong(UUID organizationId, Collection<String> emails) {
        Map<String, String> emailByKey = new LinkedHashMap<>();
        emails.forEach(email -> emailByKey.put(claimKey(organizationId, email), email));
        Set<String> held = new HashSet<>();
        if (!emailByKey.isEmpty()) {
            for (Document claim : claims.find(Filters.in("_id", emailByKey.keySet()))) {
                held.add(emailByKey.get(claim.getString("_id")));
            }
        }
        return held;
    }

    /** Gives back every address these invitations hold. */
    void releaseAll(UUID organizationId, Map<String, UUID> invitationByEmail) {
        invitationByEmail.forEach((email, invitationId) -> release(organizationId, email, invitationId));
    }

    /** Gives the address back, if this invitation holds it. */
    void release(UUID organizationId, String email, UUID invitationId) {
        claims.deleteOne(Filters.and(Filters.eq("_id", claimKey(organizationId, email)),
                Filters.eq("invitationId", invitationId.toString())));
    }

    /** A new pending invitation's entry. */
    record NewEntry(UUID invitationId, UUID organizationId, String email, List<String> roles, String tokenHash,
                    Instant expiresAt) {
    }

    /** Records new pending invitations, all in one write. */
    void issuedAll(List<NewEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        invitations.bulkWrite(entries.stream()
                .map(entry -> new ReplaceOneModel<>(Filters.eq("_id", entry.invitationId().toString()),
                        new Document("_id", entry.invitationId().toString())
                                .append("organizationId", entry.organizationId().toString())
                                .append("email", entry.email())
                                .append("roles", entry.roles())
                                .append("tokenHash", entry.tokenHash())
                                .append("status", InvitationStatus.PENDING.json())
                                .append("expiresAt", Date.from(entry.expiresAt())),
                        new ReplaceOptions().upsert(true)))
                .toList(), new BulkWriteOptions().ordered(false));
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
