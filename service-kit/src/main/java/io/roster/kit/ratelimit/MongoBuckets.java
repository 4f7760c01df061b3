package io.roster.kit.ratelimit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import org.bson.Document;
import org.bson.types.Binary;

import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bucket4j's buckets kept in one MongoDB collection, so every replica of a service draws from the same bucket
 * (Bucket4j has no MongoDB module). One document per bucket: {@code _id} the key, {@code state} Bucket4j's
 * serialized state, {@code version} a counter for compare-and-swap, {@code expiresAt} when the bucket would be full
 * again. A write succeeds only if the version and the state read are still there (or, for a new bucket, if no document has the key),
 * so two replicas consuming at once never both spend the same token: the loser reads again and retries (Bucket4j's
 * compare-and-swap loop). A TTL index removes a bucket once it has refilled: a full bucket is the same as none.
 */
public class MongoBuckets extends AbstractCompareAndSwapBasedProxyManager<String> {

    /** Kept a little longer than the refill time, so a clock skew between replicas never forgets a non-full bucket. */
    private static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);

    private final MongoCollection<Document> collection;
    private final AtomicBoolean indexed = new AtomicBoolean();
    private final ExpirationAfterWriteStrategy expiration = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL);

    public MongoBuckets(MongoCollection<Document> collection) {
        super(ClientSideConfig.getDefault());
        this.collection = collection;
    }

    /** On first use, not at start: a service starts (live, not ready) while MongoDB is still unreachable. */
    private void ensureIndex() {
        if (indexed.compareAndSet(false, true)) {
            collection.createIndex(Indexes.ascending("expiresAt"),
                    new IndexOptions().name("forget_full_buckets").expireAfter(0L, TimeUnit.SECONDS));
        }
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
        ensureIndex();
        return new CompareAndSwapOperation() {
            private long versionRead;

            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                Document document = collection.find(Filters.eq("_id", key)).first();
                if (document == null) {
                    versionRead = 0;
                    return Optional.empty();
                }
                versionRead = document.getLong("version");
                return Optional.of(document.get("state", Binary.class).getData());
            }

            @Override
            public boolean compareAndSwap(byte[] originalData, byte[] newData, RemoteBucketState newState, Optional<Long> timeoutNanos) {
                Date expiresAt = new Date(System.currentTimeMillis() + expiration.calculateTimeToLiveMillis(newState, currentTimeNanos()));
                if (originalData == null) {
                    try {
                        collection.insertOne(new Document("_id", key).append("state", new Binary(newData))
                                .append("version", 1L).append("expiresAt", expiresAt));
                        return true;
                    } catch (MongoWriteException e) {
                        if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                            return false; // another replica created it first: read it and try again
                        }
                        throw e;
                    }
                }
                // the state read is compared too, as Bucket4j's own compare-and-swap back ends compare the bytes: a read
                // that saw one write's version beside an older state (the embedded Mongo-wire server's in-memory
                // backend can hand out a document while an update rewrites it; 1 race in 200 granted 41 of 40) can
                // then never win
                return collection.updateOne(Filters.and(Filters.eq("_id", key), Filters.eq("version", versionRead),
                                Filters.eq("state", new Binary(originalData))),
                        Updates.combine(Updates.set("state", new Binary(newData)), Updates.set("version", versionRead + 1),
                                Updates.set("expiresAt", expiresAt))).getMatchedCount() == 1;
            }
        };
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
        throw new UnsupportedOperationException("MongoBuckets is synchronous; call it on a blocking-capable thread");
    }

    @Override
    public void removeProxy(String key) {
        collection.deleteOne(Filters.eq("_id", key));
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
        return CompletableFuture.runAsync(() -> removeProxy(key));
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }

    @Override
    public boolean isExpireAfterWriteSupported() {
        return true;
    }
}
