package io.roster.testsupport.mongo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The MongoDB commands a service has sent, by command name, as its own Actuator metrics count them
 * ({@code mongodb.driver.commands}, the driver's command listener on the service's one client): a benchmark takes
 * the counts before and after its operations and prints the commands per operation.
 */
public record MongoCommandCounts(Map<String, Long> byCommand, Map<String, Long> byCollection) {

    private static final String METRIC = "mongodb.driver.commands";

    /** Counts by command name only (from a page or a test). */
    public MongoCommandCounts(Map<String, Long> byCommand) {
        this(byCommand, Map.of());
    }

    /** By command name, and by command and collection ({@code "update token_entry"}). */
    public static MongoCommandCounts of(MeterRegistry registry) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> byCollection = new TreeMap<>();
        for (Timer timer : registry.find(METRIC).timers()) {
            counts.merge(String.valueOf(timer.getId().getTag("command")), timer.count(), Long::sum);
            byCollection.merge(timer.getId().getTag("command") + " " + timer.getId().getTag("collection"), timer.count(), Long::sum);
        }
        return new MongoCommandCounts(counts, byCollection);
    }

    /**
     * The same counts from a service's {@code /actuator/prometheus} page, for a service in another process: the lines
     * {@code mongodb_driver_commands_seconds_count{...,command="find",...} 42.0}.
     */
    public static MongoCommandCounts ofPrometheus(String page) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> byCollection = new TreeMap<>();
        for (String line : page.split("\n")) {
            Matcher sample = PROMETHEUS_COUNT.matcher(line);
            if (sample.matches()) {
                long count = (long) Double.parseDouble(sample.group(2));
                counts.merge(sample.group(1), count, Long::sum);
                Matcher collection = PROMETHEUS_COLLECTION.matcher(line);
                byCollection.merge(sample.group(1) + " " + (collection.find() ? collection.group(1) : "null"), count, Long::sum);
            }
        }
        return new MongoCommandCounts(counts, byCollection);
    }

    private static final Pattern PROMETHEUS_COUNT =
            Pattern.compile("^mongodb_driver_commands_seconds_count\\{.*\\bcommand=\"([^\"]+)\".*} ([0-9.eE+-]+)$");
    private static final Pattern PROMETHEUS_COLLECTION = Pattern.compile("\\bcollection=\"([^\"]+)\"");

    /** What was sent since {@code earlier}. */
    public MongoCommandCounts since(MongoCommandCounts earlier) {
        return new MongoCommandCounts(difference(byCommand, earlier.byCommand()), difference(byCollection, earlier.byCollection()));
    }

    private static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> earlier) {
        Map<String, Long> difference = new TreeMap<>();
        now.forEach((key, count) -> {
            long sent = count - earlier.getOrDefault(key, 0L);
            if (sent > 0) {
                difference.put(key, sent);
            }
        });
        return difference;
    }

    public long total() {
        return byCommand.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The commands by collection that came to at least 0.01 per operation, most first, e.g.
     * {@code update token_entry 4.02, insert domainevents 1.00}.
     */
    public String perOperationByCollection(long operations) {
        return byCollection.entrySet().stream()
                .filter(entry -> (double) entry.getValue() / operations >= 0.01)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(entry -> String.format(Locale.ROOT, "%s %.2f", entry.getKey(), (double) entry.getValue() / operations))
                .collect(Collectors.joining(", "));
    }

    /** E.g. {@code 6.02 per operation (find 3.01, insert 1.00, update 2.01)}. */
    public String perOperation(long operations) {
        return String.format(Locale.ROOT, "%.2f per operation (%s)", (double) total() / operations, byCommand.entrySet().stream()
                .map(entry -> String.format(Locale.ROOT, "%s %.2f", entry.getKey(), (double) entry.getValue() / operations))
                .collect(Collectors.joining(", ")));
    }
}
