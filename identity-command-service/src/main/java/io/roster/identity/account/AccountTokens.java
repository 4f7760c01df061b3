package io.roster.identity.account;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.roster.events.ProblemCode;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.web.ApiProblem;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The one-time tokens of email verification, account setup and password reset. A token is 256 random bits; only its SHA-256
 * is stored, with its user, purpose and expiry; the raw token travels only sealed in the event, for the
 * notification service. Redeeming deletes the record first, so a token works once even when two requests
 * race; issuing a new token of a purpose makes the older ones useless. Records are forgotten a week after
 * they expire (TTL index), so until then an old link answers "expired" rather than "unknown".
 */
@Component
class AccountTokens {


    /** What a token is for. */
    enum Purpose {
        VERIFICATION("verification"),
        SETUP("setup"),
        /** A new password by a link to the address: a reset, or its owner taking back an account never verified. */
        RESET("reset");

        private final String id;

        Purpose(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }
    }

    /** A token to seal into an event, and when it stops working. */
    record Issued(String token, Instant expiresAt) {
    }

    private final MongoCollection<Document> collection;
    private final Accounts accounts;
    private final Clock clock;

    AccountTokens(MongoDatabase database, Accounts accounts, Clock clock) {
        this.collection = database.getCollection("account-tokens");
        this.accounts = accounts;
        this.clock = clock;
        collection.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().name("forget_a_week_after_expiry")
                .expireAfter(Duration.ofDays(7).toSeconds(), TimeUnit.SECONDS));
    }

    Issued issue(UUID userId, Purpose purpose, Duration ttl) {
        String token = SecretBox.newToken();
        String hash = SecretBox.hash(token);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        collection.insertOne(new Document("_id", hash)
                .append("userId", userId.toString())
                .append("purpose", purpose.id())
                .append("createdAt", Date.from(now))
                .append("expiresAt", Date.from(expiresAt)));
        accounts.setCurrentToken(userId, purpose, hash);
        return new Issued(token, expiresAt);
    }

    /** The user the token was issued to, once; {@code token_not_found} (404) or {@code token_expired} (410) otherwise. */
    UUID redeem(String token, Purpose purpose) {
        String hash = SecretBox.hash(token);
        Document record = collection.findOneAndDelete(Filters.and(Filters.eq("_id", hash), Filters.eq("purpose", purpose.id())));
        if (record == null) {
            throw notFound();
        }
        if (!record.getDate("expiresAt").toInstant().isAfter(clock.instant())) {
            throw new ApiProblem(ProblemCode.TOKEN_EXPIRED, "This link has expired; ask for a new one.");
        }
        UUID userId = UUID.fromString(record.getString("userId"));
        Optional<String> current = accounts.currentToken(userId, purpose);
        if (current.isEmpty() || !current.get().equals(hash)) {
            throw notFound();
        }
        return userId;
    }

    private static ApiProblem notFound() {
        return new ApiProblem(ProblemCode.TOKEN_NOT_FOUND, "This link is not valid (unknown, already used, or replaced by a newer one).");
    }
}
