package io.roster.notification.directory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values read from MongoDB in the last moments, for the lookups every email makes (its organization's
 * name and SMTP server, the inviter's name), which rarely change. Only found values are kept, and the
 * writer in this instance forgets an entry it changes; another instance sees the change within the TTL.
 */
public final class RecentlyRead<K, V> {

    private static final int MAX_ENTRIES = 10_000;

    private final long ttlNanos;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    public RecentlyRead(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    public Optional<V> get(K key, Function<K, Optional<V>> read) {
        long now = System.nanoTime();
        Entry<V> entry = entries.get(key);
        if (entry != null && now - entry.readAt() < ttlNanos) {
            return Optional.of(entry.value());
        }
        Optional<V> value = read.apply(key);
        if (value.isPresent()) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry<>(value.get(), now));
        } else {
            entries.remove(key);
        }
        return value;
    }

    public void forget(K key) {
        entries.remove(key);
    }

    private record Entry<V>(V value, long readAt) {
    }
}
