package io.roster.localstack.bench;

import io.roster.localstack.Ports;
import io.roster.localstack.RosterService;
import io.roster.localstack.StackHttp;
import io.roster.testsupport.mongo.MongoCommandCounts;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The MongoDB commands every service of a running stack has sent, from each one's own driver metrics on
 * {@code /actuator/prometheus}: a benchmark takes them before and after its operations and prints the commands per
 * operation of each service.
 */
record StackMongoCommands(Map<RosterService, MongoCommandCounts> byService) {

    static StackMongoCommands of(StackHttp http, Ports ports) throws Exception {
        Map<RosterService, MongoCommandCounts> counts = new EnumMap<>(RosterService.class);
        for (RosterService service : RosterService.values()) {
            counts.put(service, MongoCommandCounts.ofPrometheus(
                    http.page("http://127.0.0.1:" + ports.of(service) + "/actuator/prometheus").body()));
        }
        return new StackMongoCommands(counts);
    }

    StackMongoCommands since(StackMongoCommands earlier) {
        Map<RosterService, MongoCommandCounts> sent = new EnumMap<>(RosterService.class);
        byService.forEach((service, counts) -> sent.put(service, counts.since(earlier.byService().get(service))));
        return new StackMongoCommands(sent);
    }

    /** Per service, its commands by collection per operation (those at 0.01 or more), most first: a line each. */
    String perOperationByCollection(long operations) {
        StringBuilder text = new StringBuilder();
        byService.forEach((service, counts) -> text.append(String.format(Locale.ROOT, "    %-13s %s%n", shortName(service),
                counts.perOperationByCollection(Math.max(1, operations)))));
        return text.toString();
    }

    private static String shortName(RosterService service) {
        return service.module().replace("-command-service", "").replace("-service", "");
    }

    /** E.g. {@code identity 8.3  invitation 1.2  query 3.5  notification 0.4  total 13.4} per operation. */
    String perOperation(long operations) {
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (Map.Entry<RosterService, MongoCommandCounts> entry : byService.entrySet()) {
            total += entry.getValue().total();
            text.append(String.format(Locale.ROOT, "%s %.1f  ", shortName(entry.getKey()),
                    (double) entry.getValue().total() / Math.max(1, operations)));
        }
        return text.append(String.format(Locale.ROOT, "total %.1f", (double) total / Math.max(1, operations))).toString();
    }
}
