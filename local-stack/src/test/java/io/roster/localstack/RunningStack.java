package io.roster.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack as a cross-process test (or benchmark) runs it: started on the caller's ports, its start-up figures
 * logged, and on close the errors its services logged, so a failure can be read without opening the log files.
 */
public final class RunningStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunningStack.class);

    static {
        // GreenMail runs in this JVM, and its SMTP handler threads throw ("Unexpected error handling connection") when
        // a killed service's connection is reset mid-mail. Awaitility, by default, fails whatever await is running when
        // any thread dies of an uncaught exception: a fault test's client then saw the kill working as meant as its
        // own request failing (ScaleOutKillEndToEndIT, "invitations 140: IllegalStateException"). The tests catch
        // what their own threads throw.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    private static final Duration TEST_STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private final LocalStack stack;
    private final long residentBytesAtStart;

    private RunningStack(LocalStack stack, long residentBytesAtStart) {
        this.stack = stack;
        this.residentBytesAtStart = residentBytesAtStart;
    }

    /**
     * The default configuration on the given ports, with the data folder {@code target/<folder>} wiped first: each IT
     * starts from nothing, and the folder is kept afterwards so the services' logs can be read after a failure.
     */
    static LocalStackConfig onWipedDataFolder(String folder, Ports ports) throws IOException {
        Path dataDir = Path.of("target", folder).toAbsolutePath();
        DataFolder.deleteRecursively(dataDir);
        return LocalStackConfig.defaults(LocalStackConfig.findRepositoryRoot(Path.of("")))
                .withDataDir(dataDir)
                .withPorts(ports)
                // three end-to-end classes run at once (failsafe's forkCount): three stacks starting together on
                // two cores took up to 112 s; the launcher's 180 s is for one stack on a machine of its own
                .withStartupTimeout(TEST_STARTUP_TIMEOUT);
    }

    /** Starts the stack (or starts it again on the same data folder) and logs how long it took and its memory. */
    public static RunningStack start(LocalStackConfig config) {
        log.info("== starting the whole stack on ports {}, data folder {}", config.ports(), config.dataDir());
        LocalStack stack = LocalStack.start(config);
        return new RunningStack(stack, logStartupFigures(stack));
    }

    private static long logStartupFigures(LocalStack stack) {
        Map<String, OptionalLong> memory = stack.residentMemory();
        long total = memory.values().stream().mapToLong(value -> value.orElse(0)).sum();
        StringBuilder table = new StringBuilder();
        memory.forEach((name, bytes) -> table.append(String.format("%n   %-26s %10s", name, ResidentMemory.format(bytes))));
        table.append(String.format("%n   %-26s %10s", "total", ResidentMemory.format(total)));
        log.info("== ready in {} ms. Resident memory (VmRSS; 'launcher' is this test JVM, which hosts the "
                + "Mongo-wire server and GreenMail as the launcher does):{}", stack.startupTime().toMillis(), table);
        if (stack.startupTime().compareTo(Duration.ofSeconds(60)) > 0) {
            log.warn("start-up took {} s, more than the 60 s target", stack.startupTime().toSeconds());
        }
        return total;
    }

    /** All processes of the stack together (this JVM included, as the launcher's), resident right after the start. */
    long residentBytesAtStart() {
        return residentBytesAtStart;
    }

    public LocalStackConfig config() {
        return stack.config();
    }

    public Duration startupTime() {
        return stack.startupTime();
    }

    /** Kafka and each service by name, with their process handles (for their CPU time, say). */
    public Map<String, ProcessHandle> childProcesses() {
        return stack.childProcesses();
    }

    /** A running service's process (for a thread dump, say). */
    ProcessHandle processOf(RosterService service) {
        return stack.childProcesses().get(service.module());
    }

    /** The environment a service of the stack got, for starting another process of it (see {@link LocalStack}). */
    Map<String, String> environmentOf(RosterService service) throws IOException {
        return stack.environmentOf(service);
    }

    /** The command that starts a process of {@code service}, as the stack starts its own. */
    List<String> serviceCommand(RosterService service) {
        return stack.serviceCommand(service);
    }

    /** Where the stack keeps a log file ({@code name}.log in its data folder's logs). */
    Path logFile(String name) {
        return stack.logFile(name);
    }

    /** Kills one service with SIGKILL, as a crash would. */
    void kill(RosterService service) throws InterruptedException {
        stack.kill(service);
    }

    /** Starts a killed service again on the same data and waits until it is ready. */
    void restart(RosterService service) throws Exception {
        stack.restart(service);
    }

    List<ProcessHandle> processTree() {
        return stack.processTree();
    }

    /** Stops every process (the Ctrl-C code path), then logs the first errors each service wrote to its log. */
    @Override
    public void close() {
        stack.close();
        for (String name : stack.childProcesses().keySet()) {
            Path file = stack.logFile(name);
            try (Stream<String> lines = Files.lines(file)) {
                List<String> errors = lines.filter(line -> line.contains(" ERROR ")).limit(20).toList();
                if (!errors.isEmpty()) {
                    log.warn("{} logged errors (first {}), see {}:\n{}", name, errors.size(), file, String.join("\n", errors));
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("cannot read {}: {}", file, e.toString());
            }
        }
    }
}
