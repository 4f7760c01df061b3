package io.roster.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and controller), run as a child process
 * ({@code java -cp <classpath> kafka.Kafka server.properties}) from the Maven jars of this module.
 */
final class KafkaBroker {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    static final String HOST = "127.0.0.1";

    private KafkaBroker() {
    }

    /**
     * Writes {@code server.properties} and {@code log4j.properties}, formats the storage when it is not
     * formatted yet, and returns the command that runs the broker.
     */
    static List<String> prepare(LocalStackConfig config, DataFolder data, String classpath)
            throws IOException, InterruptedException {
        Path serverProperties = data.kafka().resolve("server.properties");
        Files.writeString(serverProperties, serverProperties(config.ports(), data.kafkaLogDirs()),
                StandardCharsets.UTF_8);
        List<String> java = javaCommand(config.kafkaJvmOptions(), data.kafka(), data.logs(), classpath);
        formatIfNew(java, serverProperties, data.kafkaLogDirs(), data.kafkaClusterId(), data.kafka(),
                data.logFile("kafka-storage-format"));
        List<String> broker = new ArrayList<>(java);
        broker.add("kafka.Kafka");
        broker.add(serverProperties.toString());
        return broker;
    }

    /** {@code java <options> -cp <classpath>}, with the log4j configuration written into {@code folder}. */
    static List<String> javaCommand(List<String> jvmOptions, Path folder, Path logs, String classpath) throws IOException {
        Path log4jProperties = folder.resolve("log4j.properties");
        Files.writeString(log4jProperties, LOG4J_PROPERTIES, StandardCharsets.UTF_8);
        List<String> java = new ArrayList<>();
        java.add(LocalStack.javaExecutable());
        java.addAll(jvmOptions);
        java.add("-Dlog4j.configuration=" + log4jProperties.toUri());
        java.add("-Dkafka.logs.dir=" + logs);
        java.add("-cp");
        java.add(classpath);
        return java;
    }

    /** Formats a node's storage with the cluster id unless it was formatted before (a restart keeps its data). */
    static void formatIfNew(List<String> java, Path serverProperties, Path logDirs, String clusterId, Path workingDirectory,
                            Path formatLog) throws IOException, InterruptedException {
        if (Files.exists(logDirs.resolve("meta.properties"))) {
            return;
        }
        List<String> format = new ArrayList<>(java);
        format.addAll(List.of("kafka.tools.StorageTool", "format",
                "-t", clusterId, "-c", serverProperties.toString()));
        log.info("Formatting Kafka storage in {} (cluster id {})", logDirs, clusterId);
        int exit = ChildProcess.run(formatLog.getFileName().toString().replace(".log", ""), format, workingDirectory,
                formatLog, Duration.ofMinutes(2));
        if (exit != 0) {
            throw new StartupException("formatting the Kafka storage failed (exit code " + exit + "); see "
                    + formatLog);
        }
    }

    static String serverProperties(Ports ports, Path logDirs) {
        String brokerListener = "PLAINTEXT://" + HOST + ":" + ports.kafka();
        String controllerListener = "CONTROLLER://" + HOST + ":" + ports.kafkaController();
        return String.join("\n",
                "# Written by the Roster local stack at every start; edit LocalStack's KafkaBroker instead.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + HOST + ":" + ports.kafkaController(),
                "listeners=" + brokerListener + "," + controllerListener,
                "advertised.listeners=" + brokerListener,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logDirs.toString().replace("\\", "/"),
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "group.initial.rebalance.delay.ms=0",
                // the event topics are the services' history: keep them
                "log.retention.ms=-1",
                "num.network.threads=2",
                "num.io.threads=4",
                "num.recovery.threads.per.data.dir=1",
                "log.cleaner.threads=1",
                // only __consumer_offsets is compacted here: Kafka's 128 MiB default buffer would be most of the heap
                "log.cleaner.dedupe.buffer.size=8388608",
                "");
    }

    /** Broker log4j (1.x API through reload4j): everything to stdout, which the launcher sends to logs/kafka.log. */
    private static final String LOG4J_PROPERTIES = String.join("\n",
            "log4j.rootLogger=INFO, stdout",
            "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
            "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
            "log4j.logger.kafka.request.logger=WARN",
            "log4j.logger.kafka.network.RequestChannel$=WARN",
            "log4j.logger.state.change.logger=WARN",
            "log4j.logger.kafka.authorizer.logger=WARN",
            "log4j.logger.org.apache.kafka.clients=WARN",
            "");

    /** The broker's classpath: the build's {@code classpath.txt}, or this JVM's own when it holds the Kafka jars. */
    static String classpath(LocalStackConfig config) {
        Path file = config.classpathFile();
        if (Files.isRegularFile(file)) {
            return readClasspath(file);
        }
        String own = System.getProperty("java.class.path", "");
        if (own.contains("kafka_2.13")) {
            return own;
        }
        throw new StartupException("cannot find the Kafka broker's classpath: " + file + " is missing. Build with "
                + "./mvnw -B -DskipTests -pl local-stack -am package (local-stack.sh does)");
    }

    /** Waits until the broker answers a cluster description; fails at once if its process dies. */
    static void awaitReady(ChildProcess broker, int port, long deadlineNanos)
            throws TimeoutException, InterruptedException {
        Waits.waitUntil("the Kafka broker to listen on " + HOST + ":" + port, deadlineNanos, () -> {
            failIfDead(broker);
            return accepts(port);
        });
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + port);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "roster-local-stack");
        try (Admin admin = Admin.create(properties)) {
            Waits.waitUntil("the Kafka broker to join its cluster", deadlineNanos, () -> {
                failIfDead(broker);
                try {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    static void failIfDead(ChildProcess broker) {
        if (!broker.isAlive()) {
            throw new StartupException("the Kafka broker exited during start-up with code " + broker.exitCode()
                    + "; see " + broker.logFile() + "\n--- last lines ---\n" + broker.tailOfLog(30));
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads {@code classpath.txt}; used to run the broker from the same jars as this module. */
    static String readClasspath(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
