package io.roster.localstack;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13, item 4: identity and query on a Kafka cluster of three brokers ({@link KafkaCluster}), their topics created
 * with replication factor 3 and {@code min.insync.replicas=2} (ROSTER_KAFKA_REPLICATION_FACTOR,
 * ROSTER_KAFKA_MIN_INSYNC_REPLICAS). A client keeps sending commands (an organization, a user, the user added as a
 * member) while broker 2 and then broker 3 are killed with SIGKILL, then started again (3 first, then 2).
 *
 * <p>With two brokers in sync, commands are accepted and published. With one left (below min.insync.replicas), Kafka
 * acknowledges nothing: commands may still be accepted (their events are stored, flagged relayPending), but no new
 * record reaches the topic and the relay lag grows. After the recovery every stored event is on the topic, no event id
 * is twice on a partition, nothing is dead-lettered, the consumers caught up and the projections equal a rebuild.
 * Figures: the log and {@code target/kafka-cluster-report.txt}; data and logs: {@code target/kafka-cluster-data}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaClusterEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(KafkaClusterEndToEndIT.class);
    private static final Ports PORTS = TestPorts.block(25);
    /** Broker 1 on the block's Kafka port (TopicRecords and StackInvariants read through it): it is the one left. */
    private static final List<Integer> BROKER_PORTS = List.of(PORTS.kafka(), PORTS.kafka() + 2, PORTS.kafka() + 3);
    private static final int FIRST_KILLED = 2;
    private static final int SECOND_KILLED = 3;
    private static final String MIN_INSYNC_REPLICAS = "2";
    private static final String TOPIC = "roster.identity.v1";
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String PASSWORD = "Cluster-Passw0rd!";
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration TWO_LEFT_FOR = Duration.ofSeconds(10);
    private static final Duration ONE_LEFT_FOR = Duration.ofSeconds(20);
    private static final Duration TRAFFIC_AFTER_RECOVERY = Duration.ofSeconds(5);
    private static final Duration BROKER_START = Duration.ofSeconds(90);

    enum Phase { THREE_BROKERS, TWO_LEFT, ONE_LEFT, RECOVERING, ALL_BACK }

    /** One command's answer: its status (-1: none came, the exception's name in {@code note}) and the id it created. */
    record Command(Phase phase, String kind, int status, String id, String note) {
        boolean acknowledged() {
            return status / 100 == 2;
        }
    }

    /** What the store and the topic hold at one moment. */
    record Snapshot(Instant at, long stored, long pending, long onTopic, double relayLag) {
    }

    private final StackHttp http = new StackHttp();
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<String, Long> durations = new LinkedHashMap<>();
    private KafkaCluster cluster;
    private RunningStack stack;
    private MongoClient mongo;
    private Admin admin;
    private StackInvariants invariants;
    private String adminToken;
    private volatile Phase phase = Phase.THREE_BROKERS;
    private volatile boolean stopTraffic;

    @BeforeAll
    void startTheStackOnThreeBrokers() throws Exception {
        LocalStackConfig config = RunningStack.onWipedDataFolder("kafka-cluster-data", PORTS)
                .withServices(Set.of(RosterService.IDENTITY, RosterService.QUERY));
        // C1 only, as the services: four Kafka JVMs compiling with C2 at once cost more start-up time on two cores
        // than this light load gains from it
        List<String> kafkaJvmOptions = new ArrayList<>(config.kafkaJvmOptions());
        kafkaJvmOptions.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
        cluster = KafkaCluster.start(config.dataDir().resolve("kafka-cluster"), config.dataDir().resolve("logs"),
                PORTS.kafkaController(), BROKER_PORTS, kafkaJvmOptions, KafkaBroker.classpath(config), BROKER_START);
        config = config.withExternalKafka(cluster.bootstrapServers()).withServiceEnvironment(Map.of(
                "ROSTER_KAFKA_REPLICATION_FACTOR", "3",
                "ROSTER_KAFKA_MIN_INSYNC_REPLICAS", MIN_INSYNC_REPLICAS));
        stack = RunningStack.start(config);
        mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo());
        invariants = new StackInvariants(PORTS, http, mongo);
        Map<String, Object> adminProperties = new HashMap<>();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        adminProperties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);
        admin = Admin.create(adminProperties);
    }

    @AfterAll
    void stop() {
        stopTraffic = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (mongo != null) {
            mongo.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withOneBrokerLeftNothingIsAcknowledgedAndAfterTheRecoveryEverythingIsPublishedOnce() throws Exception {
        Instant testStart = Instant.now();
        adminToken = http.login(IDENTITY, "admin@roster.local", "roster-admin");
        Map<String, Long> topicConfig = topicSettings();
        Thread client = new Thread(this::sendCommands, "cluster-client");
        client.setDaemon(true);
        client.start();
        pause(WARM_UP);
        snapshots.put("before the first kill", snapshot());

        // 2 brokers left: in sync with min.insync.replicas, so publishing goes on
        cluster.kill(FIRST_KILLED);
        phase = Phase.TWO_LEFT;
        durations.put("broker " + FIRST_KILLED + " out of every in-sync set (ms)", awaitInSyncSets(isr -> !isr.contains(FIRST_KILLED)));
        snapshots.put("two left, in-sync sets shrunk", snapshot());
        pause(TWO_LEFT_FOR);
        snapshots.put("two left, end", snapshot());

        // 1 broker left: below min.insync.replicas
        cluster.kill(SECOND_KILLED);
        phase = Phase.ONE_LEFT;
        durations.put("broker " + SECOND_KILLED + " out of every in-sync set (ms)", awaitInSyncSets(isr -> isr.equals(Set.of(1))));
        Snapshot oneLeftStart = snapshot();
        snapshots.put("one left, in-sync sets shrunk", oneLeftStart);
        pause(ONE_LEFT_FOR);
        Snapshot oneLeftEnd = snapshot();
        snapshots.put("one left, end", oneLeftEnd);

        phase = Phase.RECOVERING;
        Instant recovering = Instant.now();
        cluster.restart(SECOND_KILLED, BROKER_START);
        cluster.restart(FIRST_KILLED, BROKER_START);
        awaitInSyncSets(isr -> isr.size() == 3);
        durations.put("restarts → both brokers back in every in-sync set (ms)", Duration.between(recovering, Instant.now()).toMillis());
        phase = Phase.ALL_BACK;
        pause(TRAFFIC_AFTER_RECOVERY);
        stopTraffic = true;
        client.join(Duration.ofSeconds(60).toMillis());
        Instant trafficStopped = Instant.now();

        List<String> notOnTopic = awaitEveryStoredEventOnTheTopic();
        durations.put("traffic stopped → every stored event on the topic (ms)", Duration.between(trafficStopped, Instant.now()).toMillis());
        snapshots.put("after the recovery", snapshot());
        double lagAfter = awaitRelayLagZero();
        Map<String, Long> consumerLag = invariants.awaitConsumersCaughtUp(Duration.ofSeconds(60));
        List<ConsumerRecord<String, String>> records = TopicRecords.all(PORTS, TOPIC);
        Map<String, Integer> duplicatesPerPartition = duplicatedEventIdsPerPartition(records);
        long distinctEventIds = records.stream().map(r -> TopicRecords.header(r, "ce_id")).distinct().count();
        Set<String> keysOnTopic = records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
        List<String> acknowledgedNotOnTopic = commands.stream().filter(Command::acknowledged).filter(c -> !c.id().isEmpty())
                .filter(c -> !keysOnTopic.contains(c.id())).map(c -> c.kind() + " " + c.id() + " (" + c.phase() + ")").toList();
        Map<String, Long> deadLetters = invariants.deadLetterCounts();
        List<String> deadLetterSamples = invariants.deadLetterSamples(5);
        JsonNode verified = http.body(StackHttp.expect(200, http.get(IDENTITY + "/api/v1/admin/relay/verify", adminToken)));
        StackInvariants.ProjectionCheck projections = invariants.projectionsAgainstRebuild(adminToken);

        long publishedWithOneLeft = oneLeftEnd.onTopic() - oneLeftStart.onTopic();
        long storedWithOneLeft = oneLeftEnd.stored() - oneLeftStart.stored();
        Snapshot twoLeftStart = snapshots.get("two left, in-sync sets shrunk");
        Snapshot twoLeftEnd = snapshots.get("two left, end");
        long publishedWithTwoLeft = twoLeftEnd.onTopic() - twoLeftStart.onTopic();
        Map<Phase, Map<String, Long>> statuses = statusesByPhase();
        long answeredBadly = commands.stream().filter(c -> c.phase() == Phase.ONE_LEFT)
                .filter(c -> c.status() < 0 || (c.status() >= 500 && c.status() != 503)).count();

        String report = String.join("\n",
                "== Kafka cluster: 3 brokers (" + cluster.bootstrapServers() + "), controller on " + PORTS.kafkaController()
                        + "; killed " + FIRST_KILLED + " then " + SECOND_KILLED + ", restarted " + SECOND_KILLED + " then " + FIRST_KILLED,
                "   " + TOPIC + "'s partitions by configuration: " + topicConfig,
                "   test took " + Duration.between(testStart, Instant.now()).toSeconds() + " s (stack start-up "
                        + stack.startupTime().toSeconds() + " s)",
                "   durations: " + durations,
                "   command answers by phase (status → count): " + statuses,
                "   snapshots (events stored, relayPending, records on " + TOPIC + ", relay lag s):",
                snapshots.entrySet().stream().map(e -> String.format(Locale.ROOT, "     %-34s stored %5d  pending %5d  on topic %5d  lag %6.1f",
                        e.getKey(), e.getValue().stored(), e.getValue().pending(), e.getValue().onTopic(), e.getValue().relayLag()))
                        .collect(Collectors.joining("\n")),
                "   two left: " + publishedWithTwoLeft + " records published in " + Duration.between(twoLeftStart.at(), twoLeftEnd.at()).toSeconds() + " s",
                "   one left: " + storedWithOneLeft + " events stored, " + publishedWithOneLeft + " records published in "
                        + Duration.between(oneLeftStart.at(), oneLeftEnd.at()).toSeconds() + " s; commands answered without a "
                        + "status or with a 5xx other than 503: " + answeredBadly,
                "   after: " + records.size() + " records, " + distinctEventIds + " distinct event ids; stored events not on the topic "
                        + notOnTopic.size() + " " + first(notOnTopic) + "; acknowledged commands whose aggregate is not on the topic "
                        + acknowledgedNotOnTopic.size() + " " + first(acknowledgedNotOnTopic),
                "   event ids twice (or more) on one partition: " + duplicatesPerPartition.size() + " " + first(new ArrayList<>(duplicatesPerPartition.keySet())),
                "   relay lag after: " + lagAfter + " s; relay verify: " + verified,
                "   dead letters: " + deadLetters + " " + deadLetterSamples + "; consumer groups behind: " + consumerLag,
                "   projections live " + projections.liveSummary() + " rebuilt " + projections.rebuiltSummary()
                        + " differences " + projections.differences());
        log.info("\n{}", report);
        Files.writeString(Path.of("target", "kafka-cluster-report.txt"), report + "\n");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(topicConfig).as("%s's partitions by configuration", TOPIC)
                .containsOnlyKeys("min.insync.replicas=" + MIN_INSYNC_REPLICAS + ", replicas=3");
        softly.assertThat(statuses.getOrDefault(Phase.TWO_LEFT, Map.of()).getOrDefault("2xx", 0L))
                .as("commands acknowledged with two brokers left").isPositive();
        softly.assertThat(publishedWithTwoLeft).as("records published with two brokers left (in sync)").isPositive();
        softly.assertThat(statuses.getOrDefault(Phase.ONE_LEFT, Map.of()).values().stream().mapToLong(Long::longValue).sum())
                .as("commands answered with one broker left").isPositive();
        softly.assertThat(answeredBadly).as("commands with one broker left not answered, or answered 5xx other than 503")
                .isZero();
        softly.assertThat(publishedWithOneLeft).as("records that reached %s with one broker left (below min.insync.replicas)", TOPIC)
                .isZero();
        if (storedWithOneLeft > 0) {
            softly.assertThat(oneLeftEnd.pending()).as("events waiting (relayPending) at the end of the one-broker phase")
                    .isGreaterThanOrEqualTo(storedWithOneLeft);
            softly.assertThat(oneLeftEnd.relayLag()).as("roster_relay_lag_seconds at the end of the one-broker phase")
                    .isGreaterThanOrEqualTo(ONE_LEFT_FOR.toSeconds() / 2.0);
        }
        softly.assertThat(notOnTopic).as("stored events not on %s after the recovery", TOPIC).isEmpty();
        softly.assertThat(acknowledgedNotOnTopic).as("acknowledged commands whose aggregate never reached the topic").isEmpty();
        softly.assertThat(duplicatesPerPartition).as("event ids twice on one partition").isEmpty();
        softly.assertThat(verified.path("missingEvents").asLong()).as("relay verify %s", verified).isZero();
        softly.assertThat(lagAfter).as("roster_relay_lag_seconds after the recovery").isZero();
        softly.assertThat(deadLetters.values().stream().mapToLong(Long::longValue).sum())
                .as("records on the .DLT topics %s, e.g. %s", deadLetters, deadLetterSamples).isZero();
        softly.assertThat(consumerLag).as("consumer groups behind after the recovery").isEmpty();
        softly.assertThat(projections.rebuild().path("state").asText()).as("the rebuild %s", projections.rebuild()).isEqualTo("completed");
        softly.assertThat(projections.differences()).as("read models that differ from a rebuild: %s", projections.differingRows(3)).isEmpty();
        softly.assertAll();
    }

    // --- the client ----------------------------------------------------------------------------------------------

    /** Rounds of: create an organization, create a user, add the user as a member; every answer recorded. */
    private void sendCommands() {
        while (!stopTraffic) {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            Command organization = call("create organization", () -> http.post(IDENTITY + "/api/v1/organizations", adminToken,
                    "{\"name\":\"Cluster " + tag + "\"}"), "organizationId");
            Command user = call("create user", () -> http.post(IDENTITY + "/api/v1/users", adminToken,
                    "{\"firstName\":\"User\",\"lastName\":\"" + tag + "\",\"email\":\"user-" + tag + "@cluster.test\",\"password\":\""
                            + PASSWORD + "\"}"), "userId");
            if (organization.acknowledged() && user.acknowledged()) {
                call("add member", () -> http.post(IDENTITY + "/api/v1/organizations/" + organization.id() + "/members", adminToken,
                        "{\"userId\":\"" + user.id() + "\",\"roles\":[\"member\"]}"), null);
            }
        }
    }

    private Command call(String kind, Callable<HttpResponse<String>> request, String idField) {
        Phase sentIn = phase;
        Command command;
        try {
            HttpResponse<String> response = request.call();
            String id = idField != null && response.statusCode() / 100 == 2 ? http.body(response).path(idField).asText("") : "";
            command = new Command(sentIn, kind, response.statusCode(), id, "");
            if (response.statusCode() / 100 != 2) {
                log.info("{} in {}: {}", kind, sentIn, StackHttp.describe(response));
            }
        } catch (Exception e) {
            command = new Command(sentIn, kind, -1, "", e.getClass().getSimpleName());
            log.warn("{} in {}: no answer: {}", kind, sentIn, e.toString());
        }
        commands.add(command);
        return command;
    }

    private Map<Phase, Map<String, Long>> statusesByPhase() {
        Map<Phase, Map<String, Long>> statuses = new EnumMap<>(Phase.class);
        for (Command command : commands) {
            String status = command.acknowledged() ? "2xx" : command.status() < 0 ? "none (" + command.note() + ")"
                    : Integer.toString(command.status());
            statuses.computeIfAbsent(command.phase(), p -> new TreeMap<>()).merge(status, 1L, Long::sum);
        }
        return statuses;
    }

    // --- what Kafka and the store hold ---------------------------------------------------------------------------

    private Snapshot snapshot() throws Exception {
        var events = mongo.getDatabase(RosterService.IDENTITY.database()).getCollection("domainevents");
        return new Snapshot(Instant.now(), events.countDocuments(), events.countDocuments(Filters.eq("relayPending", true)),
                recordsOnTopic(), relayLag());
    }

    /**
     * The sum of the topic's high watermarks: the records a consumer can read, taken from a consumer's own fetches.
     * Not asked with ListOffsets: a broker that became leader while its high watermark lagged its new epoch's start
     * offset answers ListOffsets(latest) with OFFSET_NOT_AVAILABLE (KIP-207) until a follower fetches again, and with
     * one broker left none ever does, so in one CI run every attempt of the admin client timed out for 90 s. A fetch
     * is answered with the leader's high watermark in every case.
     */
    private long recordsOnTopic() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> watermarks = new HashMap<>();
            await("the high watermarks of " + TOPIC).atMost(Duration.ofSeconds(90)).pollInSameThread()
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        consumer.poll(Duration.ofMillis(200));
                        for (TopicPartition partition : partitions) {
                            OptionalLong lag = consumer.currentLag(partition);
                            if (lag.isPresent()) {
                                watermarks.put(partition, consumer.position(partition) + lag.getAsLong());
                            }
                        }
                        return watermarks.size() == partitions.size();
                    });
            return watermarks.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private List<TopicPartitionInfo> partitions() throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC).partitions();
    }

    /** The topic's partitions counted by their "min.insync.replicas=…, replicas=…", as the services created it. */
    private Map<String, Long> topicSettings() throws Exception {
        var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, TOPIC);
        String minInsync = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource)
                .get("min.insync.replicas").value();
        Map<String, Long> settings = new TreeMap<>();
        for (TopicPartitionInfo partition : partitions()) {
            settings.merge("min.insync.replicas=" + minInsync + ", replicas=" + partition.replicas().size(), 1L, Long::sum);
        }
        return settings;
    }

    /** Waits until every partition's in-sync set satisfies {@code wanted}; answers how long that took (ms). */
    private long awaitInSyncSets(java.util.function.Predicate<Set<Integer>> wanted) {
        Instant from = Instant.now();
        Map<Integer, Set<Integer>> last = new TreeMap<>();
        await("the in-sync sets of " + TOPIC + " changed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    last.clear();
                    for (TopicPartitionInfo partition : partitions()) {
                        last.put(partition.partition(), partition.isr().stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new)));
                    }
                    return last.values().stream().allMatch(wanted);
                });
        long millis = Duration.between(from, Instant.now()).toMillis();
        log.info("== in-sync sets of {} after {} ms: {}", TOPIC, millis, last);
        return millis;
    }

    private List<String> awaitEveryStoredEventOnTheTopic() {
        List<String> missing = new ArrayList<>();
        try {
            await("every stored event on " + TOPIC).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                missing.clear();
                missing.addAll(invariants.storedEventsNotOnTopic(RosterService.IDENTITY, TOPIC));
                return missing.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.error("== {} stored events never reached {}: {}", missing.size(), TOPIC, first(missing));
        }
        return missing;
    }

    private double awaitRelayLagZero() {
        double[] lag = {-1};
        try {
            await("the relay lag back to 0").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> (lag[0] = relayLag()) == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.error("== the relay lag is still {} s", lag[0]);
        }
        return lag[0];
    }

    /** Event id (ce_id) → how many times it is on one partition, for those on a partition more than once. */
    private static Map<String, Integer> duplicatedEventIdsPerPartition(List<ConsumerRecord<String, String>> records) {
        Map<String, Integer> counts = new TreeMap<>();
        records.forEach(record -> counts.merge("partition " + record.partition() + " " + TopicRecords.header(record, "ce_id")
                + " (" + TopicRecords.header(record, "ce_type") + " " + record.key() + " #"
                + TopicRecords.header(record, "ce_aggregatesequence") + ")", 1, Integer::sum));
        counts.values().removeIf(count -> count < 2);
        return counts;
    }

    /** identity's {@code roster_relay_lag_seconds} (-1: not readable). */
    private double relayLag() {
        try {
            for (String line : http.page(IDENTITY + "/actuator/prometheus").body().split("\n")) {
                if (line.startsWith("roster_relay_lag_seconds")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (Exception e) {
            log.warn("cannot read roster_relay_lag_seconds: {}", e.toString());
        }
        return -1;
    }

    private static String first(List<String> items) {
        return items.isEmpty() ? "" : items.subList(0, Math.min(5, items.size())).toString();
    }

    private static void pause(Duration duration) {
        await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
    }
}
