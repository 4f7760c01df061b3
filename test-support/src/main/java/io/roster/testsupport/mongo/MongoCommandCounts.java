package io.roster.testsupport.mongo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The MongoDB commands a service has sent, by command name, as its own Actuator metrics count them
 * ({@code mongodb.driver.commands}, the driver's command listener on the service's one client): a benchmark takes
 * the counts before and after its operations and prints the commands per operation.
 */
public record MongoCommandCounts(Map<String, Long> byCommand) {

    private static final String METRIC = "mongodb.driver.commands";

    public static MongoCommandCounts of(MeterRegistry registry) {
        Map<String, Long> counts = new TreeMap<>();
        for (Timer timer : registry.find(METRIC).timers()) {
            counts.merge(String.valueOf(timer.getId().getTag("command")), timer.count(), Long::sum);
        }
        return new MongoCommandCounts(counts);
    }

    /** What was sent since {@code earlier}. */
    public MongoCommandCounts since(MongoCommandCounts earlier) {
        Map<String, Long> difference = new TreeMap<>();
        byCommand.forEach((command, count) -> {
            long sent = count - earlier.byCommand().getOrDefault(command, 0L);
            if (sent > 0) {
                difference.put(command, sent);
            }
        });
        return new MongoCommandCounts(difference);
    }

    public long total() {
        return byCommand.values().stream().mapToLong(Long::longValue).sum();
    }

    /** E.g. {@code 6.02 per operation (find 3.01, insert 1.00, update 2.01)}. */
    public String perOperation(long operations) {
        return String.format(Locale.ROOT, "%.2f per operation (%s)", (double) total() / operations, byCommand.entrySet().stream()
                .map(entry -> String.format(Locale.ROOT, "%s %.2f", entry.getKey(), (double) entry.getValue() / operations))
                .collect(Collectors.joining(", ")));
    }
}
