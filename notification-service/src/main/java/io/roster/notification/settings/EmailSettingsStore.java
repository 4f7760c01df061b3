package io.roster.notification.settings;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.roster.events.EncryptedSecret;
import io.roster.notification.smtp.TlsMode;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/** Organizations' SMTP settings ({@code email-settings-v1}), one document per organization. */
@Component
class EmailSettingsStore {

    private final MongoCollection<Document> collection;

    EmailSettingsStore(MongoDatabase database) {
        this.collection = database.getCollection("email-settings-v1");
    }

    Optional<EmailSettings> find(UUID organizationId) {
        if (organizationId == null) {
            return Optional.empty();
        }
        Document d = collection.find(Filters.eq("_id", organizationId.toString())).first();
        if (d == null) {
            return Optional.empty();
        }
        Document password = d.get("password", Document.class);
        return Optional.of(new EmailSettings(organizationId, d.getString("host"), d.getInteger("port"),
                TlsMode.parse(d.getString("tlsMode")).orElse(TlsMode.NONE), d.getString("username"),
                password == null ? null : new EncryptedSecret(password.getString("keyId"), password.getString("ciphertext")),
                d.getString("senderAddress"), d.getString("senderName"), d.getDate("updatedAt").toInstant(),
                d.getString("updatedBy") == null ? null : UUID.fromString(d.getString("updatedBy"))));
    }

    void save(EmailSettings settings) {
        Document doc = new Document("_id", settings.organizationId().toString())
                .append("host", settings.host())
                .append("port", settings.port())
                .append("tlsMode", settings.tlsMode().value())
                .append("username", settings.username())
                .append("senderAddress", settings.senderAddress())
                .append("senderName", settings.senderName())
                .append("updatedAt", Date.from(settings.updatedAt()))
                .append("updatedBy", settings.updatedBy() == null ? null : settings.updatedBy().toString());
        if (settings.password() != null) {
            doc.append("password", new Document("keyId", settings.password().keyId())
                    .append("ciphertext", settings.password().ciphertext()));
        }
        collection.replaceOne(Filters.eq("_id", doc.getString("_id")), doc, new ReplaceOptions().upsert(true));
    }

    boolean delete(UUID organizationId) {
        return collection.deleteOne(Filters.eq("_id", organizationId.toString())).getDeletedCount() == 1;
    }
}
