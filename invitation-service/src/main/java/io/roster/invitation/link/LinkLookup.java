package io.roster.invitation.link;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationValidity;
import io.roster.events.invitation.MembershipTerms;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Links by id and by token hash ({@code link-lookup-v1}), kept by {@link LinkLookupProjection}. The token is
 * kept only sealed (for the admin's "copy URL"), its hash for lookup.
 *
 * <p>Every write is safe to apply twice and in any interleaving of the live and the repair processor (see
 * {@link io.roster.kit.lookup.RepairedLookup}): a creation only inserts a missing entry; the terms and the switch
 * each keep the sequence number of the event that last wrote them ({@code termsSequence}, {@code enabledSequence})
 * and take only a later one; the use count only grows. Entries written before those fields existed take any event.
 */
@Component
class LinkLookup {

    private static final String TERMS_SEQUENCE = "termsSequence";
    private static final String ENABLED_SEQUENCE = "enabledSequence";
    private static final String MEMBERSHIP_EXPIRES_AT = "membershipExpiresAt";
    private static final String MEMBERSHIP_DAYS = "membershipDays";

    private final MongoCollection<Document> links;

    LinkLookup(MongoDatabase database) {
        this.links = database.getCollection("link-lookup-v1");
        links.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().name("by_token_hash"));
    }

    record Entry(UUID linkId, UUID organizationId, List<String> roles, List<String> emails, Instant expiresAt,
                 Integer quota, int used, boolean enabled, EncryptedSecret token, MembershipTerms membership) {

        String status(Instant now) {
            return InvitationValidity.ofLink(enabled, expiresAt, quota, used, now).linkStatus();
        }
    }

    void created(UUID linkId, UUID organizationId, List<String> roles, List<String> emails, Instant expiresAt, Integer quota,
                 String tokenHash, EncryptedSecret token, MembershipTerms membership, long sequence) {
        try {
            links.updateOne(withId(linkId), Updates.combine(
                            Updates.setOnInsert("organizationId", organizationId.toString()),
                            Updates.setOnInsert("roles", roles),
                            Updates.setOnInsert("emails", emails),
                            Updates.setOnInsert("expiresAt", expiresAt == null ? null : Date.from(expiresAt)),
                            Updates.setOnInsert("quota", quota),
                            Updates.setOnInsert(MEMBERSHIP_EXPIRES_AT, dateOrNull(membership.expiresAt())),
                            Updates.setOnInsert(MEMBERSHIP_DAYS, membership.days()),
                            Updates.setOnInsert(TERMS_SEQUENCE, sequence),
                            Updates.setOnInsert("used", 0),
                            Updates.setOnInsert("enabled", true),
                            Updates.setOnInsert(ENABLED_SEQUENCE, sequence),
                            Updates.setOnInsert("tokenHash", tokenHash),
                            Updates.setOnInsert("tokenKeyId", token.keyId()),
                            Updates.setOnInsert("tokenCiphertext", token.ciphertext())),
                    new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            // the live and the repair processor inserting the entry at once: it is there
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }

    void updated(UUID linkId, List<String> roles, List<String> emails, Instant expiresAt, Integer quota,
                 MembershipTerms membership, long sequence) {
        links.updateOne(Filters.and(withId(linkId), olderThan(TERMS_SEQUENCE, sequence)), Updates.combine(
                Updates.set("roles", roles), Updates.set("emails", emails),
                Updates.set("expiresAt", expiresAt == null ? null : Date.from(expiresAt)), Updates.set("quota", quota),
                Updates.set(MEMBERSHIP_EXPIRES_AT, dateOrNull(membership.expiresAt())),
                Updates.set(MEMBERSHIP_DAYS, membership.days()),
                Updates.set(TERMS_SEQUENCE, sequence)));
    }

    void enabled(UUID linkId, boolean enabled, long sequence) {
        links.updateOne(Filters.and(withId(linkId), olderThan(ENABLED_SEQUENCE, sequence)), Updates.combine(
                Updates.set("enabled", enabled), Updates.set(ENABLED_SEQUENCE, sequence)));
    }

    void used(UUID linkId, int used) {
        links.updateOne(withId(linkId), Updates.max("used", used));
    }

    Optional<Entry> byId(UUID linkId) {
        return first(withId(linkId));
    }

    Optional<Entry> byTokenHash(String tokenHash) {
        return first(Filters.eq("tokenHash", tokenHash));
    }

    /** The ids of the links these token hashes belong to, by token hash (one query); hashes of no link are absent. */
    Map<String, UUID> linkIdsByTokenHash(Collection<String> tokenHashes) {
        Map<String, UUID> linkIds = new HashMap<>();
        if (!tokenHashes.isEmpty()) {
            links.find(Filters.in("tokenHash", tokenHashes)).projection(Projections.include("tokenHash"))
                    .forEach(d -> linkIds.put(d.getString("tokenHash"), UUID.fromString(d.getString("_id"))));
        }
        return linkIds;
    }

    private Optional<Entry> first(Bson filter) {
        Document d = links.find(filter).first();
        if (d == null) {
            return Optional.empty();
        }
        Date expiresAt = d.getDate("expiresAt");
        return Optional.of(new Entry(UUID.fromString(d.getString("_id")), UUID.fromString(d.getString("organizationId")),
                d.getList("roles", String.class, List.of()), d.getList("emails", String.class, List.of()),
                expiresAt == null ? null : expiresAt.toInstant(), d.getInteger("quota"), d.getInteger("used", 0),
                d.getBoolean("enabled", true), new EncryptedSecret(d.getString("tokenKeyId"), d.getString("tokenCiphertext")),
                new MembershipTerms(instantOrNull(d.getDate(MEMBERSHIP_EXPIRES_AT)), d.getInteger(MEMBERSHIP_DAYS))));
    }

    private static Date dateOrNull(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Instant instantOrNull(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Bson withId(UUID linkId) {
        return Filters.eq("_id", linkId.toString());
    }

    /** The part {@code field} counts was last written by an event before {@code sequence} (or by code that kept no count). */
    private static Bson olderThan(String field, long sequence) {
        return Filters.or(Filters.exists(field, false), Filters.lt(field, sequence));
    }
}
