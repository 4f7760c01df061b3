package io.roster.invitation.invitation;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import io.roster.invitation.config.InvitationProperties;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The claims on (organization, address) of pending invitations ({@code pending-invitation-addresses-v1}, the pair
 * as the unique {@code _id}, with the invitation holding it and when it was taken). A request takes the claim before
 * it issues an invitation (or resends an expired one), so an address has at most one pending invitation per
 * organization even with concurrent requests or several instances. The request gives the claim back when its
 * command fails; {@link InvitationLookupProjection} gives it back when the invitation ends, live or in repair.
 *
 * <p><b>Abandoned claims.</b> A process that dies after taking a claim and before storing the invitation leaves a
 * claim nothing will ever give back. The next request for the address takes such a claim over, once it is older
 * than {@code roster.invitation.abandoned-claim-after} (5 minutes, far beyond the seconds a request takes from claim
 * to append) and its invitation is not pending: as the lookup says, or, where the lookup does not say pending, as
 * the event store says (the invitation's events may be stored while its lookup entry waits for the repair). Taking
 * over is one conditional write, so of two requests only one gets the address. Claims written before claims had a
 * time count as old.
 */
@Component
class AddressClaims {

    private final MongoCollection<Document> claims;
    private final InvitationLookup lookup;
    private final InvitationHistory history;
    private final InvitationProperties properties;
    private final Clock clock;

    AddressClaims(MongoDatabase database, InvitationLookup lookup, InvitationHistory history, InvitationProperties properties,
                  Clock clock) {
        this.claims = database.getCollection("pending-invitation-addresses-v1");
        this.lookup = lookup;
        this.history = history;
        this.properties = properties;
        this.clock = clock;
    }

    /** @return false when another invitation holds the address for the organization */
    boolean claim(UUID organizationId, String email, UUID invitationId) {
        return !claimAll(organizationId, Map.of(email, invitationId)).isEmpty();
    }

    /**
     * {@link #claim} for many addresses at once: one unordered insert of every claim, so a batch costs one
     * round trip and the unique {@code _id} still decides each address. Only addresses found claimed cost more:
     * one read of their claims, one of the lookup, and the event store only for a claim that looks abandoned.
     *
     * @param invitationByEmail (normalized) address → the invitation that would hold it
     * @return the addresses now held by their invitation
     */
    Set<String> claimAll(UUID organizationId, Map<String, UUID> invitationByEmail) {
        if (invitationByEmail.isEmpty()) {
            return Set.of();
        }
        Instant now = clock.instant();
        List<Map.Entry<String, UUID>> wanted = List.copyOf(invitationByEmail.entrySet());
        List<Document> documents = wanted.stream()
                .map(e -> claimOf(organizationId, e.getKey(), e.getValue(), now))
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
            Map<String, UUID> held = new LinkedHashMap<>(invitationByEmail);
            held.keySet().removeAll(claimed);
            claimed.addAll(heldAlreadyOrTakenOver(organizationId, held, now));
        }
        return claimed;
    }

    /**
     * Which of these addresses a pending invitation to the organization holds (an abandoned claim does not count):
     * changes nothing.
     */
    Set<String> claimedAmong(UUID organizationId, Collection<String> emails) {
        Map<String, String> emailByKey = new LinkedHashMap<>();
        emails.forEach(email -> emailByKey.put(key(organizationId, email), email));
        if (emailByKey.isEmpty()) {
            return Set.of();
        }
        List<Document> found = claims.find(Filters.in("_id", emailByKey.keySet())).into(new ArrayList<>());
        Set<String> abandoned = abandonedAmong(found, clock.instant());
        return found.stream()
                .filter(claim -> !abandoned.contains(claim.getString("_id")))
                .map(claim -> emailByKey.get(claim.getString("_id")))
                .collect(Collectors.toSet());
    }

    /** Gives back every address these invitations hold. */
    void releaseAll(UUID organizationId, Map<String, UUID> invitationByEmail) {
        invitationByEmail.forEach((email, invitationId) -> release(organizationId, email, invitationId));
    }

    /** Gives the address back, if this invitation holds it (its request failed). */
    void release(UUID organizationId, String email, UUID invitationId) {
        claims.deleteOne(Filters.and(Filters.eq("_id", key(organizationId, email)),
                Filters.eq("invitationId", invitationId.toString())));
    }

    /**
     * The invitation ended at {@code endedAt}: gives its claim back if it took it before then. A claim it took later
     * is a resend's after an expiry, which this end does not concern: replayed by the repair processor after that
     * resend, the expiry leaves it alone. A claim written before claims had a time cannot tell, so no end gives it
     * back; the next request for its address takes it over if its invitation is not pending (see the class comment).
     */
    void releaseEndedBy(UUID organizationId, String email, UUID invitationId, Instant endedAt) {
        claims.deleteOne(Filters.and(Filters.eq("_id", key(organizationId, email)),
                Filters.eq("invitationId", invitationId.toString()),
                Filters.lte("claimedAt", Date.from(endedAt))));
    }

    /** Of addresses found claimed: those held by their own invitation already, and those whose abandoned claim is now theirs. */
    private Set<String> heldAlreadyOrTakenOver(UUID organizationId, Map<String, UUID> invitationByEmail, Instant now) {
        Map<String, String> emailByKey = new HashMap<>();
        invitationByEmail.keySet().forEach(email -> emailByKey.put(key(organizationId, email), email));
        List<Document> holders = claims.find(Filters.in("_id", emailByKey.keySet())).into(new ArrayList<>());
        Set<String> abandoned = abandonedAmong(holders, now);
        Set<String> ours = new HashSet<>();
        for (Document holder : holders) {
            String email = emailByKey.get(holder.getString("_id"));
            UUID invitationId = invitationByEmail.get(email);
            if (invitationId.toString().equals(holder.getString("invitationId"))) {
                ours.add(email);
            } else if (abandoned.contains(holder.getString("_id"))
                    && claims.replaceOne(Filters.and(Filters.eq("_id", holder.getString("_id")),
                            Filters.eq("invitationId", holder.getString("invitationId"))),
                    claimOf(organizationId, email, invitationId, now)).getModifiedCount() == 1) {
                ours.add(email);
            }
        }
        return ours;
    }

    /** The keys of the claims among these that are abandoned: old enough, and their invitation not pending. */
    private Set<String> abandonedAmong(List<Document> found, Instant now) {
        Instant takenBefore = now.minus(properties.abandonedClaimAfter());
        Map<String, UUID> oldHolders = new HashMap<>();
        for (Document claim : found) {
            Date claimedAt = claim.getDate("claimedAt");
            if (claimedAt == null || claimedAt.toInstant().isBefore(takenBefore)) {
                oldHolders.put(claim.getString("_id"), UUID.fromString(claim.getString("invitationId")));
            }
        }
        if (oldHolders.isEmpty()) {
            return Set.of();
        }
        Set<UUID> pendingInLookup = lookup.pendingAmong(oldHolders.values());
        Set<String> abandoned = new HashSet<>();
        oldHolders.forEach((key, invitationId) -> {
            if (!pendingInLookup.contains(invitationId) && !history.isPending(invitationId)) {
                abandoned.add(key);
            }
        });
        return abandoned;
    }

    private static Document claimOf(UUID organizationId, String email, UUID invitationId, Instant now) {
        return new Document("_id", key(organizationId, email))
                .append("invitationId", invitationId.toString())
                .append("claimedAt", Date.from(now));
    }

    private static String key(UUID organizationId, String email) {
        return organizationId + ":" + email;
    }
}
