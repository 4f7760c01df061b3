package io.roster.invitation.link;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationValidity;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Links by id and by token hash ({@code link-lookup-v1}), kept by {@link LinkLookupProjection}. The token is
 * kept only sealed (for the admin's "copy URL"), its hash for lookup.
 */
@Component
class LinkLookup {

    private final MongoCollection<Document> links;

    LinkLookup(MongoDatabase database) {
        this.links = database.getCollection("link-lookup-v1");
        links.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().name("by_token_hash"));
    }

    record Entry(UUID linkId, UUID organizationId, List<String> roles, List<String> emails, Instant expiresAt,
                 Integer quota, int used, boolean enabled, EncryptedSecret token) {

        String status(Instant now) {
            return InvitationValidity.ofLink(enabled, expiresAt, quota, used, now).linkStatus();
        }
    }

    void created(UUID linkId, UUID organizationId, List<String> roles, List<String> emails, Instant expiresAt, Integer quota,
                 String tokenHash, EncryptedSecret token) {
        links.replaceOne(Filters.eq("_id", linkId.toString()), new Document("_id", linkId.toString())
                        .append("organizationId", organizationId.toString())
                        .append("roles", roles)
                        .append("emails", emails)
                        .append("expiresAt", expiresAt == null ? null : Date.from(expiresAt))
                        .append("quota", quota)
                        .append("used", 0)
                        .append("enabled", true)
                        .append("tokenHash", tokenHash)
                        .append("tokenKeyId", token.keyId())
                        .append("tokenCiphertext", token.ciphertext()),
                new ReplaceOptions().upsert(true));
    }

    void updated(UUID linkId, List<String> roles, List<String> emails, Instant expiresAt, Integer quota) {
        links.updateOne(Filters.eq("_id", linkId.toString()), Updates.combine(
                Updates.set("roles", roles), Updates.set("emails", emails),
                Updates.set("expiresAt", expiresAt == null ? null : Date.from(expiresAt)), Updates.set("quota", quota)));
    }

    void enabled(UUID linkId, boolean enabled) {
        links.updateOne(Filters.eq("_id", linkId.toString()), Updates.set("enabled", enabled));
    }

    void used(UUID linkId, int used) {
        links.updateOne(Filters.eq("_id", linkId.toString()), Updates.max("used", used));
    }

    Optional<Entry> byId(UUID linkId) {
        return first(Filters.eq("_id", linkId.toString()));
    }

    Optional<Entry> byTokenHash(String tokenHash) {
        return first(Filters.eq("tokenHash", tokenHash));
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
                d.getBoolean("enabled", true), new EncryptedSecret(d.getString("tokenKeyId"), d.getString("tokenCiphertext"))));
    }
}
