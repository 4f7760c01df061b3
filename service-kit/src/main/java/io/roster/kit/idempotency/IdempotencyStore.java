package io.roster.kit.idempotency;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.roster.events.EncryptedSecret;
import io.roster.kit.secrets.SecretBox;
import org.bson.Document;
import org.bson.types.Binary;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Remembered requests, one document per (caller, method, path, key) scope. The unique {@code _id} decides
 * which of two concurrent duplicates runs: the insert that succeeds holds a lease until it stores the
 * response (or gives the key back when the request failed); every other one reads what is there.
 * A TTL index on {@code createdAt} forgets records after the retention; records older than it are treated
 * as absent even before the TTL monitor removes them (and on servers without TTL support).
 */
public class IdempotencyStore {

    static final String IN_PROGRESS = "in_progress";
    static final String COMPLETED = "completed";
    private static final int MAX_ATTEMPTS = 5;

    private final MongoCollection<Document> collection;
    private final Duration retention;
    private final Duration lease;
    private final Clock clock;
    private final AtomicBoolean indexed = new AtomicBoolean();
    private final SecretBox secrets;

    public IdempotencyStore(MongoDatabase database, IdempotencyProperties properties, Clock clock) {
        this(database, properties, clock, null);
    }

    /**
     * @param secrets when given (the services holding the token-encryption key, whose answers can carry raw tokens,
     *                such as a new invitation link's URL), response bodies are stored sealed with it (AES-GCM), never
     *                in clear
     */
    public IdempotencyStore(MongoDatabase database, IdempotencyProperties properties, Clock clock, SecretBox secrets) {
        this.secrets = secrets;
        this.collection = database.getCollection(properties.collection());
        this.retention = properties.retention();
        this.lease = properties.lease();
        this.clock = clock;
    }

    /** What the store says about a request that carries a key. */
    public sealed interface Decision {
    }

    /** This request runs; it must {@link #complete} or {@link #release} with this lease. */
    public record Claimed(String scope, String lease) implements Decision {
    }

    /** The first request finished: answer its response again. */
    public record Replay(StoredResponse response) implements Decision {
    }

    /** The key was used with another body. */
    public record Reused() implements Decision {
    }

    /** The first request is still running. */
    public record InProgress() implements Decision {
    }

    /** The parts of a response that are replayed. */
    public record StoredResponse(int status, Map<String, List<String>> headers, byte[] body) {
    }

    public Decision claim(String scope, String requestHash) {
        ensureIndexes();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String leaseId = UUID.randomUUID().toString();
            Instant now = clock.instant();
            try {
                collection.insertOne(new Document("_id", scope)
                        .append("requestHash", requestHash)
                        .append("state", IN_PROGRESS)
                        .append("lease", leaseId)
                        .append("createdAt", Date.from(now)));
                return new Claimed(scope, leaseId);
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Document existing = collection.find(Filters.eq("_id", scope)).first();
            if (existing == null) {
                continue; // released between our insert and our read: try again
            }
            Instant createdAt = existing.getDate("createdAt").toInstant();
            boolean expired = createdAt.isBefore(now.minus(retention));
            boolean abandoned = IN_PROGRESS.equals(existing.getString("state")) && createdAt.isBefore(now.minus(lease));
            if (expired || abandoned) {
                // compare-and-delete: only the one that saw this exact record removes it
                collection.deleteOne(Filters.and(Filters.eq("_id", scope), Filters.eq("lease", existing.getString("lease"))));
                continue;
            }
            if (!requestHash.equals(existing.getString("requestHash"))) {
                return new Reused();
            }
            if (COMPLETED.equals(existing.getString("state"))) {
                return new Replay(toResponse(existing));
            }
            return new InProgress();
        }
        return new InProgress();
    }

    public void complete(Claimed claim, StoredResponse response) {
        Document headers = new Document();
        response.headers().forEach(headers::append);
        collection.updateOne(Filters.and(Filters.eq("_id", claim.scope()), Filters.eq("lease", claim.lease())),
                Updates.combine(
                        Updates.set("state", COMPLETED),
                        Updates.set("status", response.status()),
                        Updates.set("headers", headers),
                        secrets == null ? Updates.set("body", new Binary(response.body()))
                                : Updates.set("sealedBody", sealed(response.body()))));
    }

    /** Gives the key back: the request failed, so a retry with the key runs again. */
    public void release(Claimed claim) {
        collection.deleteOne(Filters.and(Filters.eq("_id", claim.scope()), Filters.eq("lease", claim.lease())));
    }

    private void ensureIndexes() {
        if (indexed.compareAndSet(false, true)) {
            collection.createIndex(Indexes.ascending("createdAt"), new IndexOptions().name("forget_after_retention")
                    .expireAfter(retention.toSeconds(), TimeUnit.SECONDS));
        }
    }

    private Document sealed(byte[] body) {
        EncryptedSecret sealed = secrets.seal(Base64.getEncoder().encodeToString(body));
        return new Document("keyId", sealed.keyId()).append("ciphertext", sealed.ciphertext());
    }

    private StoredResponse toResponse(Document document) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Document stored = document.get("headers", Document.class);
        if (stored != null) {
            stored.forEach((name, values) -> headers.put(name, ((List<?>) values).stream().map(Object::toString).toList()));
        }
        Document sealed = document.get("sealedBody", Document.class);
        if (sealed != null) {
            if (secrets == null) {
                throw new IllegalStateException("a stored response is sealed, and this service has no token-encryption key");
            }
            byte[] body = Base64.getDecoder().decode(secrets.open(
                    new EncryptedSecret(sealed.getString("keyId"), sealed.getString("ciphertext"))));
            return new StoredResponse(document.getInteger("status"), headers, body);
        }
        Binary body = document.get("body", Binary.class);
        return new StoredResponse(document.getInteger("status"), headers, body == null ? new byte[0] : body.getData());
    }
}
