package io.roster.localstack;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's invariants, checked against a running stack and reported: a program, so an operator (or a test, through
 * {@link StackInvariants}) can ask a stack that went through a fault whether it kept its promises.
 * <ul>
 *   <li>I1 every acknowledged command's event is in the store (only with {@code --acknowledged=FILE}: lines
 *       "identity|invitation aggregateId" a client wrote down as it was answered 2xx);</li>
 *   <li>I2 every event in identity's and invitation's event stores is on its topic;</li>
 *   <li>I3 no triggering event has two emails, each has a delivery record (and, where the stack's mail catcher runs,
 *       its email in the inbox);</li>
 *   <li>I4 every projection equals a rebuild from the topics (only with {@code --rebuild}: it runs a projection
 *       rebuild, which switches the query service to a new read-model version);</li>
 *   <li>I5 no invitation link was used beyond its quota;</li>
 * </ul>
 * and beside them: no record on a {@code .DLT}, every consumer group caught up.
 *
 * <p>Run it against the local stack ({@code ./local-stack.sh}) with
 * {@code ./mvnw -B -q -pl local-stack -am test-compile exec:java@invariant-check}, or against a test's stack with
 * {@code -Dexec.args="--block=18 --rebuild"} (the dashes may be left out). It fails (exit status 1) when an invariant does not hold.
 */
public final class InvariantCheck {

    private static final Logger log = LoggerFactory.getLogger(InvariantCheck.class);

    private InvariantCheck() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        Ports ports = options.containsKey("block") ? TestPorts.block(Integer.parseInt(options.get("block"))) : Ports.DEFAULTS;
        String email = options.getOrDefault("admin-email", LocalStackConfig.DEFAULT_ADMIN_EMAIL);
        String password = options.getOrDefault("admin-password", LocalStackConfig.DEFAULT_ADMIN_PASSWORD);
        boolean holds;
        try (MongoClient mongo = MongoClients.create("mongodb://127.0.0.1:" + ports.mongo())) {
            holds = check(new StackInvariants(ports, new StackHttp(), mongo), ports, email, password,
                    options.containsKey("rebuild"), options.get("acknowledged"));
        }
        if (!holds) {
            // exec:java (and a plain java launcher) then end with a failure status
            throw new IllegalStateException("an invariant does not hold: see the report above");
        }
    }

    private static boolean check(StackInvariants invariants, Ports ports, String email, String password, boolean rebuild,
                                 String acknowledgedFile) throws Exception {
        List<String> broken = new ArrayList<>();
        StringBuilder report = new StringBuilder("== Roster invariants on ports " + ports + "\n");

        if (acknowledgedFile != null) {
            Map<RosterService, List<String>> acknowledged = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(Path.of(acknowledgedFile));
            for (int number = 1; number <= lines.size(); number++) {
                String line = lines.get(number - 1).trim();
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                // a line it cannot read is refused, never skipped: a skipped acknowledgement would pass I1 unchecked
                if (parts.length != 2 || !(parts[0].equals("identity") || parts[0].equals("invitation"))) {
                    throw new IllegalArgumentException(acknowledgedFile + " line " + number + ": expected "
                            + "\"identity|invitation aggregateId\", got \"" + line + "\"");
                }
                RosterService service = parts[0].equals("invitation") ? RosterService.INVITATION : RosterService.IDENTITY;
                acknowledged.computeIfAbsent(service, s -> new ArrayList<>()).add(parts[1]);
            }
            acknowledged.forEach((service, ids) -> {
                List<String> missing = invariants.acknowledgedWithoutEvents(service, ids);
                line(report, broken, "I1 " + service.shortName() + ": acknowledged aggregates without events", ids.size(), missing);
            });
        } else {
            report.append("I1 not checked: give --acknowledged=FILE (lines \"identity|invitation aggregateId\")\n");
        }

        for (RosterService service : List.of(RosterService.IDENTITY, RosterService.INVITATION)) {
            String topic = "roster." + service.shortName() + ".v1";
            line(report, broken, "I2 " + service.shortName() + ": stored events not on " + topic, -1,
                    invariants.storedEventsNotOnTopic(service, topic));
        }

        List<StackInvariants.TriggeredEmail> triggered = invariants.triggeredEmails(address -> true);
        line(report, broken, "I3 triggering events without a delivery record", triggered.size(),
                invariants.triggeredWithoutDelivery(triggered).stream().map(Object::toString).toList());
        StackInvariants.EmailCheck emails = invariants.emailsExactlyOnce(triggered, List.of());
        line(report, broken, "I3 emails received more than once", emails.received(),
                emails.duplicated().entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).toList());
        report.append("   inboxes (mail catcher): ").append(emails).append('\n');

        if (rebuild) {
            String token = new StackHttp().login("http://127.0.0.1:" + ports.identity(), email, password);
            StackInvariants.ProjectionCheck projections = invariants.projectionsAgainstRebuild(token);
            line(report, broken, "I4 read models differing from a rebuild (" + projections.rebuild().path("state").asText() + ")",
                    -1, projections.differences());
        } else {
            report.append("I4 not checked: give --rebuild (rebuilds the query service's read models)\n");
        }

        line(report, broken, "I5 links used beyond their quota", -1, invariants.linksOverQuota());

        Map<String, Long> deadLetters = invariants.deadLetterCounts();
        line(report, broken, "dead letters", -1, deadLetters.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        line(report, broken, "consumer groups behind", -1, invariants.awaitConsumersCaughtUp(Duration.ofSeconds(30))
                .entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());

        report.append(broken.isEmpty() ? "== every invariant holds" : "== broken: " + broken);
        log.info("\n{}", report);
        return broken.isEmpty();
    }

    private static void line(StringBuilder report, List<String> broken, String what, int checked, List<String> findings) {
        report.append(findings.isEmpty() ? "ok  " : "BAD ").append(what).append(": ").append(findings.size())
                .append(checked >= 0 ? " of " + checked + " checked" : "")
                .append(findings.isEmpty() ? "" : " e.g. " + findings.subList(0, Math.min(5, findings.size()))).append('\n');
        if (!findings.isEmpty()) {
            broken.add(what);
        }
    }
}
