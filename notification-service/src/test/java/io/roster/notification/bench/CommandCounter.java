package io.roster.notification.bench;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.bson.BsonValue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the commands a MongoClient sends to one database, by command and collection ("update deliveries-v1"),
 * so that a benchmark can print MongoDB commands per email and which ones they are.
 */
final class CommandCounter implements CommandListener {

    private final String database;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    CommandCounter(String database) {
        this.database = database;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        if (!database.equals(event.getDatabaseName())) {
            return;
        }
        BsonValue target = event.getCommand().get(event.getCommandName());
        String collection = target != null && target.isString() ? " " + target.asString().getValue() : "";
        counts.computeIfAbsent(event.getCommandName() + collection, k -> new LongAdder()).increment();
    }

    /** The counts so far, sorted by name. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((name, count) -> copy.put(name, count.sum()));
        return copy;
    }

    static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What was counted between two snapshots. */
    static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> difference = new TreeMap<>();
        after.forEach((name, count) -> {
            long added = count - before.getOrDefault(name, 0L);
            if (added > 0) {
                difference.put(name, added);
            }
        });
        return difference;
    }
}
