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
public record MongoCommandCounts(Map<String, Long> byCommand) {

    private static final String METRIC = "mongodb.driver.commands";

    public static MongoCommandCounts of(MeterRegistry registry) {
        Map<String, Long> counts = new TreeMap<>();
        for (Timer timer : registry.find(METRIC).timers()) {
            counts.merge(String.valueOf(timer.getId().getTag("command")), timer.count(), Long::sum);
        }
        return new MongoCommandCounts(counts);
    }

    /**
     * The same counts from a service's {@code /actuator/prometheus} page, for a service in another process: the lines
     * {@code mongodb_driver_commands_seconds_count{...,command="find",...} 42.0}.
     */
    public static MongoCommandCounts ofPrometheus(String page) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : page.split("\n")) {
            Matcher sample = PROMETHEUS_COUNT.matcher(line);
            if (sample.matches()) {
                counts.merge(sample.group(1), (long) Double.parseDouble(sample.group(2)), Long::sum);
            }
        }
        return new MongoCommandCounts(counts);
    }

    private static final Pattern PROMETHEUS_COUNT =
            Pattern.compile("^mongodb_driver_commands_seconds_count\\{.*\\bcommand=\"([^\"]+)\".*} ([0-9.eE+-]+)$");

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
