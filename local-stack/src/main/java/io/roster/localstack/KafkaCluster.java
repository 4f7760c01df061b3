package io.roster.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of several brokers in KRaft mode, each its own process from the same jars as {@link KafkaBroker}'s
 * single broker: for the fault tests that kill brokers (the local stack itself runs one broker).
 *
 * <p>Brokers 1..N are broker-only nodes; one more process is the KRaft controller ({@value #CONTROLLER_ID}), alone in
 * its quorum. Not N combined broker+controller nodes: killing two of three of those also kills the controller quorum's
 * majority, and without a quorum nothing changes in the metadata, so the surviving leader can never drop the dead
 * replicas from its in-sync set. Every write then hangs whatever {@code min.insync.replicas} says, and a test of that
 * setting could not fail. With the controller apart, a killed broker is fenced and leaves the in-sync sets as it would
 * in a production cluster (whose controllers run on other machines than the killed broker).
 */
final class KafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    static final int CONTROLLER_ID = 9;
    private static final String HOST = KafkaBroker.HOST;
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path folder;
    private final Path logs;
    private final int controllerPort;
    private final Map<Integer, Integer> brokerPorts;
    private final List<String> jvmOptions;
    private final String classpath;
    private final Map<Integer, ChildProcess> processes = new LinkedHashMap<>();

    private KafkaCluster(Path folder, Path logs, int controllerPort, Map<Integer, Integer> brokerPorts, List<String> jvmOptions,
                         String classpath) {
        this.folder = folder;
        this.logs = logs;
        this.controllerPort = controllerPort;
        this.brokerPorts = brokerPorts;
        this.jvmOptions = jvmOptions;
        this.classpath = classpath;
    }

    /**
     * Formats (first time only) and starts the controller and one broker per port (node ids 1, 2, ...), each with its
     * data in {@code folder/node-<id>} and its log in {@code logs/kafka-<id>.log}; returns when every broker is
     * registered with the controller.
     */
    static KafkaCluster start(Path folder, Path logs, int controllerPort, List<Integer> brokerPorts, List<String> jvmOptions,
                              String classpath, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < brokerPorts.size(); i++) {
            ports.put(i + 1, brokerPorts.get(i));
        }
        KafkaCluster cluster = new KafkaCluster(folder, logs, controllerPort, ports, jvmOptions, classpath);
        long started = System.nanoTime();
        try {
            Files.createDirectories(folder);
            String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
            Path idFile = folder.resolve("cluster.id");
            if (Files.exists(idFile)) {
                clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
            } else {
                Files.writeString(idFile, clusterId, StandardCharsets.UTF_8);
            }
            List<Integer> nodes = new ArrayList<>(List.of(CONTROLLER_ID));
            nodes.addAll(ports.keySet());
            cluster.formatInParallel(nodes, clusterId);
            for (int node : nodes) {
                cluster.startNode(node);
            }
            cluster.awaitRegistered(ports.keySet(), System.nanoTime() + timeout.toNanos());
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        log.info("Kafka cluster of {} brokers ready on {} (controller {}:{}) after {} ms", ports.size(),
                cluster.bootstrapServers(), HOST, controllerPort, (System.nanoTime() - started) / 1_000_000);
        return cluster;
    }

    /** Every broker's address, as the services' {@code ROSTER_KAFKA_BOOTSTRAP_SERVERS}. */
    String bootstrapServers() {
        return brokerPorts.values().stream().map(port -> HOST + ":" + port).collect(Collectors.joining(","));
    }

    Set<Integer> brokers() {
        return brokerPorts.keySet();
    }

    int portOf(int broker) {
        return brokerPorts.get(broker);
    }

    synchronized boolean isAlive(int node) {
        ChildProcess process = processes.get(node);
        return process != null && process.isAlive();
    }

    /** Kills one broker with SIGKILL, as a lost machine would; its data stays for {@link #restart}. */
    void kill(int broker) throws InterruptedException {
        ChildProcess process;
        synchronized (this) {
            process = processes.get(broker);
        }
        process.kill();
        log.info("Kafka broker {} ({}) killed with SIGKILL (exit code {})", broker, process, process.exitCode());
    }

    /** Starts a killed broker again on its data; returns once the controller lists it again. */
    void restart(int broker, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        if (isAlive(broker)) {
            throw new IllegalStateException("Kafka broker " + broker + " is still running");
        }
        startNode(broker);
        awaitRegistered(Set.of(broker), System.nanoTime() + timeout.toNanos());
        log.info("Kafka broker {} is back in the cluster", broker);
    }

    /** Stops the brokers (SIGTERM, SIGKILL after 30 s), then the controller. */
    @Override
    public void close() {
        List<ChildProcess> brokers;
        ChildProcess controller;
        synchronized (this) {
            brokers = processes.entrySet().stream().filter(e -> e.getKey() != CONTROLLER_ID).map(Map.Entry::getValue).toList();
            controller = processes.get(CONTROLLER_ID);
        }
        brokers.forEach(ChildProcess::requestStop);
        List<ChildProcess> inOrder = new ArrayList<>(brokers);
        if (controller != null) {
            inOrder.add(controller);
        }
        for (ChildProcess process : inOrder) {
            try {
                process.awaitStop(STOP_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.handle().destroyForcibly();
            }
        }
    }

    /** Formats the nodes' storage at once: each format is a JVM of its own, one after the other took 20 s on 2 cores. */
    private void formatInParallel(List<Integer> nodes, String clusterId) throws IOException, InterruptedException {
        ExecutorService formats = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int node : nodes) {
                done.add(formats.submit(() -> {
                    format(node, clusterId);
                    return null;
                }));
            }
            for (Future<Void> format : done) {
                try {
                    format.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new StartupException("formatting a Kafka node failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            formats.shutdownNow();
        }
    }

    private void format(int node, String clusterId) throws IOException, InterruptedException {
        Path nodeFolder = folder.resolve("node-" + node);
        Path logDirs = nodeFolder.resolve("data");
        Files.createDirectories(logDirs);
        Path serverProperties = writeProperties(node, nodeFolder, logDirs);
        KafkaBroker.formatIfNew(KafkaBroker.javaCommand(jvmOptions, nodeFolder, logs, classpath), serverProperties, logDirs,
                clusterId, nodeFolder, logs.resolve("kafka-" + node + "-storage-format.log"));
    }

    private Path writeProperties(int node, Path nodeFolder, Path logDirs) throws IOException {
        Path serverProperties = nodeFolder.resolve("server.properties");
        Files.writeString(serverProperties, node == CONTROLLER_ID ? controllerProperties(logDirs)
                : brokerProperties(node, logDirs), StandardCharsets.UTF_8);
        return serverProperties;
    }

    /** Writes the node's configuration and starts it on its (formatted) storage. */
    private void startNode(int node) throws IOException {
        Path nodeFolder = folder.resolve("node-" + node);
        Path serverProperties = writeProperties(node, nodeFolder, nodeFolder.resolve("data"));
        List<String> java = KafkaBroker.javaCommand(jvmOptions, nodeFolder, logs, classpath);
        List<String> command = new ArrayList<>(java);
        command.add("kafka.Kafka");
        command.add(serverProperties.toString());
        ChildProcess process = ChildProcess.start("kafka-" + node, command, Map.of(), nodeFolder,
                logs.resolve("kafka-" + node + ".log"));
        synchronized (this) {
            processes.put(node, process);
        }
        log.info("Kafka {} {} starting ({}), log {}", node == CONTROLLER_ID ? "controller" : "broker", node, process,
                process.logFile());
    }

    private String controllerProperties(Path logDirs) {
        return String.join("\n",
                "# Written by the Roster local stack's KafkaCluster at every start.",
                "process.roles=controller",
                "node.id=" + CONTROLLER_ID,
                "controller.quorum.voters=" + CONTROLLER_ID + "@" + HOST + ":" + controllerPort,
                "listeners=CONTROLLER://" + HOST + ":" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDirs.toString().replace("\\", "/"),
                // a broker that stops heartbeating is fenced (and leaves every in-sync set) after 6 s, not Kafka's 9 s
                "broker.session.timeout.ms=6000",
                "num.network.threads=1",
                "num.io.threads=2",
                "");
    }

    private String brokerProperties(int node, Path logDirs) {
        String listener = "PLAINTEXT://" + HOST + ":" + brokerPorts.get(node);
        int replicas = brokerPorts.size();
        return String.join("\n",
                "# Written by the Roster local stack's KafkaCluster at every start.",
                "process.roles=broker",
                "node.id=" + node,
                "controller.quorum.voters=" + CONTROLLER_ID + "@" + HOST + ":" + controllerPort,
                "listeners=" + listener,
                "advertised.listeners=" + listener,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logDirs.toString().replace("\\", "/"),
                "broker.heartbeat.interval.ms=1000",
                "num.partitions=1",
                "default.replication.factor=" + replicas,
                // the broker's default stays Kafka's: what protects the event topics is their own setting, which the
                // services give them (ROSTER_KAFKA_MIN_INSYNC_REPLICAS)
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=" + replicas,
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.ms=-1",
                "num.network.threads=2",
                "num.io.threads=2",
                "num.replica.fetchers=1",
                "num.recovery.threads.per.data.dir=1",
                "log.cleaner.threads=1",
                "log.cleaner.dedupe.buffer.size=8388608",
                "");
    }

    /** Waits until the controller lists every one of {@code brokers}; fails at once if one of their processes dies. */
    private void awaitRegistered(Set<Integer> brokers, long deadlineNanos) throws TimeoutException, InterruptedException {
        for (int broker : brokers) {
            ChildProcess process;
            synchronized (this) {
                process = processes.get(broker);
            }
            Waits.waitUntil("Kafka broker " + broker + " to listen on " + HOST + ":" + brokerPorts.get(broker), deadlineNanos,
                    () -> {
                        KafkaBroker.failIfDead(process);
                        return KafkaBroker.accepts(brokerPorts.get(broker));
                    });
        }
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "roster-kafka-cluster");
        Set<Integer> listed = new TreeSet<>();
        try (Admin admin = Admin.create(properties)) {
            Waits.waitUntil("Kafka brokers " + brokers + " registered with the controller", deadlineNanos, () -> {
                listed.clear();
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().map(Node::id).forEach(listed::add);
                } catch (Exception e) {
                    return false;
                }
                return listed.containsAll(brokers);
            });
        }
    }
}
