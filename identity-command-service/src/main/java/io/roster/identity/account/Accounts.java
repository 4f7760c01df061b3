package io.roster.identity.account;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import io.roster.kit.web.RuleViolation;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Credentials and provider roles by user, with a unique index on the normalized email: the index, not a
 * check-then-act, decides which of two racing registrations of one address wins.
 */
@Component
public class Accounts {

    private final MongoCollection<Document> collection;

    Accounts(MongoDatabase database) {
        this.collection = database.getCollection("accounts");
        collection.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true).name("email_unique"));
    }

    public Optional<Account> findByEmail(String email) {
        return Optional.ofNullable(collection.find(Filters.eq("email", Account.normalize(email))).first()).map(Accounts::toAccount);
    }

    /** Claims the address for a new user; {@code email_taken} when another user holds it. */
    public void insert(Account account) {
        try {
            collection.insertOne(toDocument(account));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw new RuleViolation("email_taken", "Another account uses " + account.email() + ".");
            }
            throw e;
        }
    }

    /** Writes the account whole; for the idempotent bootstrap. */
    public void save(Account account) {
        collection.replaceOne(Filters.eq("_id", account.userId().toString()), toDocument(account), new ReplaceOptions().upsert(true));
    }

    private static Document toDocument(Account account) {
        return new Document("_id", account.userId().toString())
                .append("email", Account.normalize(account.email()))
                .append("passwordHash", account.passwordHash())
                .append("providerRoles", account.providerRoles());
    }

    private static Account toAccount(Document document) {
        return new Account(UUID.fromString(document.getString("_id")), document.getString("email"),
                document.getString("passwordHash"), document.getList("providerRoles", String.class, List.of()));
    }
}
