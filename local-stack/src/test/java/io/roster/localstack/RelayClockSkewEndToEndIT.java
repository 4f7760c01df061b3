package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.roster.testsupport.fault.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's relay test (D2), as separate processes: three identity processes share one event store (the Mongo-wire
 * server) and one Kafka broker. The first, started by the stack, holds the relay's claim and publishes; it is kept
 * busy creating organizations (and renaming the second one's), so the relay's tracking token keeps up with the
 * present. The second stamps its events with a clock two seconds behind ({@link SkewedEventClock}) while it creates
 * organizations and renames the first one's. The third reaches MongoDB through a {@link TcpProxy} that holds every chunk 1.5 s, while it creates an
 * organization and renames one: its appends arrive at least 1.5 s after their events were stamped. With the relay's
 * 1 s look-back, the tracking processor has moved past such events before they become visible.
 *
 * <p>Afterwards every stored event must be on {@code roster.identity.v1}, each aggregate's sequences in order (copies
 * allowed); the relay must have repaired skips (so the faults did bite), {@code roster_relay_lag_seconds} must have
 * shown the late events and gone back down, and the operator's check ({@code GET /api/v1/admin/relay/verify}) must
 * find nothing missing. Figures go to the log. Data folder: {@code local-stack/target/relay-skew-data}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayClockSkewEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(RelayClockSkewEndToEndIT.class);
    private static final Ports PORTS = TestPorts.block(27);
    private static final int SKEWED_PORT = PORTS.identity() + 4;
    private static final int DELAYED_PORT = PORTS.identity() + 5;
    private static final int PROXY_PORT = PORTS.identity() + 6;
    private static final String PUBLISHER = "http://127.0.0.1:" + PORTS.identity();
    private static final String SKEWED = "http://127.0.0.1:" + SKEWED_PORT;
    private static final String DELAYED = "http://127.0.0.1:" + DELAYED_PORT;
    private static final Duration CLOCK_BEHIND = Duration.ofSeconds(-2);
    private static final Duration INSERT_DELAY = Duration.ofMillis(1500);
    private static final Duration TRAFFIC = Duration.ofSeconds(20);
    private static final String TOPIC = "roster.identity.v1";

    private final StackHttp http = new StackHttp();
    /** For the process behind the slow link: every MongoDB round trip of a command takes 3 s there. */
    private final HttpClient patient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> organizations = new CopyOnWriteArrayList<>();
    private final List<String> skewedOrganizations = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> commands = new LinkedHashMap<>();
    private final List<Double> lagSamples = new CopyOnWriteArrayList<>();
    private RunningStack stack;
    private MongoClient mongo;
    private StackInvariants invariants;
    private TcpProxy slowLink;
    private ChildProcess skewed;
    private ChildProcess delayed;
    private String adminToken;
    private volatile boolean stopTraffic;

    @BeforeAll
    void startThreeIdentityProcessesOnOneStore() throws Exception {
        LocalStackConfig config = RunningStack.onWipedDataFolder("relay-skew-data", PORTS)
                .withServices(Set.of(RosterService.IDENTITY));
        stack = RunningStack.start(config);
        mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo());
        invariants = new StackInvariants(PORTS, http, mongo);
        slowLink = TcpProxy.start(PROXY_PORT, "127.0.0.1", PORTS.mongo());

        Path jar = config.jarOf(RosterService.IDENTITY);
        String mainClass;
        try (JarFile file = new JarFile(jar.toFile())) {
            mainClass = file.getManifest().getMainAttributes().getValue("Start-Class");
        }
        Map<String, String> environment = stack.environmentOf(RosterService.IDENTITY);
        Path data = config.dataDir();

        Map<String, String> skewedEnvironment = new HashMap<>(environment);
        skewedEnvironment.put("SERVER_PORT", Integer.toString(SKEWED_PORT));
        skewed = ChildProcess.start("identity-skewed", SkewedEventClock.command(jar, mainClass, CLOCK_BEHIND,
                        config.serviceJvmOptions(), data.resolve("skewed-event-clock")),
                skewedEnvironment, data.resolve("identity-skewed"), stack.logFile("identity-skewed"));

        Map<String, String> delayedEnvironment = new HashMap<>(environment);
        delayedEnvironment.put("SERVER_PORT", Integer.toString(DELAYED_PORT));
        delayedEnvironment.put("ROSTER_MONGO_URI", "mongodb://127.0.0.1:" + slowLink.port());
        List<String> plain = stack.serviceCommand(RosterService.IDENTITY);
        delayed = ChildProcess.start("identity-delayed", plain, delayedEnvironment, data.resolve("identity-delayed"),
                stack.logFile("identity-delayed"));

        await("the skewed and the delayed identity processes ready").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    assertThat(skewed.isAlive()).as("identity-skewed runs; see %s", skewed.logFile()).isTrue();
                    assertThat(delayed.isAlive()).as("identity-delayed runs; see %s", delayed.logFile()).isTrue();
                    return ready(SKEWED) && ready(DELAYED);
                });
        log.info("== three identity processes on one event store: {} (publishes), {} (events stamped {} off), {} "
                + "(MongoDB through a proxy)", PUBLISHER, SKEWED, CLOCK_BEHIND, DELAYED);
    }

    @AfterAll
    void stop() throws InterruptedException {
        stopTraffic = true;
        if (slowLink != null) {
            slowLink.heal();
        }
        for (ChildProcess child : new ChildProcess[] {skewed, delayed}) {
            if (child != null) {
                child.awaitStop(Duration.ofSeconds(30));
            }
        }
        if (mongo != null) {
            mongo.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (slowLink != null) {
            slowLink.close();
        }
    }

    @Test
    void everyStoredEventReachesTheTopicInOrderThoughTwoProcessesAppendLate() throws Exception {
        adminToken = http.login(PUBLISHER, "admin@roster.local", "roster-admin");
        List<Thread> threads = new ArrayList<>();
        threads.add(daemon("commands-publisher", () -> {
            while (!stopTraffic) {
                createOrganization(PUBLISHER, "publisher");
                if (!skewedOrganizations.isEmpty()) {
                    rename(PUBLISHER, "publisher", skewedOrganizations);
                }
            }
        }));
        threads.add(daemon("commands-skewed", () -> {
            while (!stopTraffic) {
                createOrganization(SKEWED, "skewed");
                rename(SKEWED, "skewed", organizations);
            }
        }));
        Thread lag = daemon("relay-lag", () -> {
            while (!stopTraffic) {
                lagSamples.add(relayLag(PUBLISHER));
                await().pollDelay(Duration.ofMillis(250)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
        });
        Instant started = Instant.now();
        await("the first organizations").atMost(Duration.ofSeconds(60)).until(() -> organizations.size() >= 5);

        slowLink.delay(INSERT_DELAY);
        try {
            createOrganizationPatiently();
            rename(DELAYED, "delayed", organizations);
        } finally {
            slowLink.pass();
        }
        await("the rest of the traffic").atMost(TRAFFIC.plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> Duration.between(started, Instant.now()).compareTo(TRAFFIC) >= 0);
        stopTraffic = true;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
        lag.join(Duration.ofSeconds(5).toMillis());
        Instant trafficStopped = Instant.now();
        log.info("== commands acknowledged: {}", commands);

        List<String> missing = new ArrayList<>();
        try {
            await("every stored event on " + TOPIC).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        missing.clear();
                        missing.addAll(invariants.storedEventsNotOnTopic(RosterService.IDENTITY, TOPIC));
                        return missing.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.error("== {} stored events never reached {}: {}", missing.size(), TOPIC, missing);
        }
        Duration toTheTopic = Duration.between(trafficStopped, Instant.now());
        long stored = mongo.getDatabase(RosterService.IDENTITY.database()).getCollection("domainevents").countDocuments();
        List<String> outOfOrder = aggregatesOutOfOrder();
        Map<String, Double> repaired = repairedEvents(PUBLISHER);
        double maxLag = lagSamples.stream().max(Double::compare).orElse(-1.0);
        log.info("== {} events stored, {} not on the topic {} s after the traffic stopped; aggregates out of order: {}; "
                        + "repaired by the relay {}; relay lag: max {} s over {} samples, now {} s",
                stored, missing.size(), toTheTopic.toSeconds(), outOfOrder, repaired, maxLag, lagSamples.size(),
                relayLag(PUBLISHER));

        assertThat(missing).as("stored events that never reached " + TOPIC).isEmpty();
        assertThat(outOfOrder).as("aggregates whose sequences reached the topic out of order").isEmpty();
        assertThat(acknowledged("skewed")).as("commands on the skewed process").isPositive();
        assertThat(acknowledged("delayed")).as("commands through the slow link").isEqualTo(2);
        assertThat(repaired.values().stream().reduce(0.0, Double::sum))
                .as("events the relay published after its tracking processor had passed them: the faults bit").isPositive();
        assertThat(maxLag).as("roster_relay_lag_seconds saw events that waited (stamped 2 s behind)").isGreaterThanOrEqualTo(1.5);
        await("the relay lag back down").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> relayLag(PUBLISHER) < 1.0);
        for (String instance : List.of(PUBLISHER, SKEWED)) {
            JsonNode verified = http.body(StackHttp.expect(200, http.get(instance + "/api/v1/admin/relay/verify", adminToken)));
            log.info("== GET {}/api/v1/admin/relay/verify: {}", instance, verified);
            assertThat(verified.path("missingEvents").asLong()).as(verified.toString()).isZero();
            assertThat(verified.path("storedEvents").asLong()).as(verified.toString()).isEqualTo(stored);
        }
    }

    private void createOrganization(String instance, String process) {
        try {
            HttpResponse<String> response = http.postAsJson(instance + "/api/v1/organizations", adminToken,
                    Map.of("name", process + " " + organizations.size()));
            if (response.statusCode() == 201) {
                counted(process);
                String organization = http.body(response).path("organizationId").asText();
                if (instance.equals(PUBLISHER)) {
                    organizations.add(organization);
                } else if (instance.equals(SKEWED)) {
                    skewedOrganizations.add(organization);
                }
            } else {
                log.warn("{}", StackHttp.describe(response));
            }
        } catch (Exception e) {
            log.warn("create on {} failed: {}", process, e.toString());
        }
    }

    private void createOrganizationPatiently() throws Exception {
        HttpResponse<String> response = patient.send(request(DELAYED + "/api/v1/organizations")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"delayed\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(StackHttp.describe(response)).isEqualTo(201);
        counted("delayed");
    }

    /** Renames one of {@code candidates} (another process created it) on {@code instance}. */
    private void rename(String instance, String process, List<String> candidates) {
        String organization = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        try {
            HttpResponse<String> response = patient.send(request(instance + "/api/v1/organizations/" + organization)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"renamed by " + process + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                counted(process);
            } else {
                log.warn("{}", StackHttp.describe(response));
            }
        } catch (Exception e) {
            log.warn("rename on {} failed: {}", process, e.toString());
        }
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminToken);
    }

    private synchronized int acknowledged(String process) {
        AtomicInteger count = commands.get(process);
        return count == null ? 0 : count.get();
    }

    private synchronized void counted(String process) {
        commands.computeIfAbsent(process, p -> new AtomicInteger()).incrementAndGet();
    }

    /** Aggregates whose sequences, each at its first occurrence in offset order, do not rise one by one from 0. */
    private List<String> aggregatesOutOfOrder() {
        Map<String, LinkedHashSet<Long>> sequences = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicRecords.all(PORTS, TOPIC)) {
            sequences.computeIfAbsent(record.key(), key -> new LinkedHashSet<>())
                    .add(Long.parseLong(TopicRecords.header(record, "ce_aggregatesequence")));
        }
        List<String> outOfOrder = new ArrayList<>();
        sequences.forEach((aggregate, seen) -> {
            long expected = 0;
            for (long sequence : seen) {
                if (sequence != expected++) {
                    outOfOrder.add(aggregate + " " + seen);
                    break;
                }
            }
        });
        return outOfOrder;
    }

    private double relayLag(String instance) {
        return metric(instance, "roster_relay_lag_seconds").values().stream().max(Double::compare).orElse(-1.0);
    }

    private Map<String, Double> repairedEvents(String instance) {
        return metric(instance, "roster_relay_repaired_events_total");
    }

    /** The samples of one metric on the instance's Prometheus page, by their labels. */
    private Map<String, Double> metric(String instance, String name) {
        Map<String, Double> samples = new LinkedHashMap<>();
        try {
            HttpResponse<String> page = http.page(instance + "/actuator/prometheus");
            for (String line : page.body().split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
        } catch (Exception e) {
            log.warn("cannot read {} on {}: {}", name, instance, e.toString());
        }
        return samples;
    }

    private boolean ready(String instance) {
        try {
            return http.page(instance + "/actuator/health/readiness").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
