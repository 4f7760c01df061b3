package io.roster.localstack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process of the launcher whose stdout and stderr go to a log file.
 *
 * <p>On POSIX systems the child starts with SIGINT ignored ({@code sh -c 'trap "" INT; exec ...'}; a JVM keeps an
 * inherited ignored SIGINT ignored): Ctrl-C in the terminal reaches the whole process group, and the launcher,
 * not the terminal, must decide the order in which things stop (services first, then the broker they write to).
 * SIGTERM still stops the child normally.
 */
final class ChildProcess {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
    private static final Path POSIX_SHELL = Path.of("/bin/sh");

    private final String name;
    private final Process process;
    private final Path logFile;
    private volatile boolean stopRequested;
    private volatile List<ProcessHandle> descendantsAtStop = List.of();

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        process.onExit().thenRun(() -> {
            if (!stopRequested) {
                log.error("{} (pid {}) exited unexpectedly with code {}; see {}",
                        name, process.pid(), process.exitValue(), logFile);
            }
        });
    }

    /**
     * Starts {@code command} in {@code workingDirectory} with {@code environment} added to the launcher's own.
     * A previous log file of the same name is kept as {@code <log>.1}.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> environment,
                              Path workingDirectory, Path logFile) throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(workingDirectory);
        if (Files.exists(logFile)) {
            Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(logFile, "# " + name + " started by the Roster local stack at " + Instant.now()
                + "\n# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);

        List<String> fullCommand = new ArrayList<>();
        if (Files.isExecutable(POSIX_SHELL)) {
            fullCommand.addAll(List.of(POSIX_SHELL.toString(), "-c", "trap '' INT; exec \"$@\"", name));
        }
        fullCommand.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(fullCommand)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        // a null value removes an inherited variable
        environment.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        Process process = builder.start();
        log.debug("started {} (pid {}), log {}", name, process.pid(), logFile);
        return new ChildProcess(name, process, logFile);
    }

    /** Runs a command to completion (or kills it after {@code timeout}) and returns its exit code. */
    static int run(String name, List<String> command, Path workingDirectory, Path logFile, Duration timeout)
            throws IOException, InterruptedException {
        return run(name, command, Map.of(), workingDirectory, logFile, timeout);
    }

    /** {@link #run(String, List, Path, Path, Duration)} with {@code environment} added to the launcher's own. */
    static int run(String name, List<String> command, Map<String, String> environment, Path workingDirectory,
                   Path logFile, Duration timeout) throws IOException, InterruptedException {
        ChildProcess child = start(name, command, environment, workingDirectory, logFile);
        child.stopRequested = true; // its exit is expected
        if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            child.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(name + " did not finish within " + timeout.toSeconds() + " s; see " + logFile);
        }
        return child.process.exitValue();
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The process and every descendant it had when the stop was requested (or has now, if still running). */
    List<ProcessHandle> processTree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(stopRequested ? descendantsAtStop : process.descendants().toList());
        return tree;
    }

    /**
     * Kills the process with SIGKILL ({@link Process#destroyForcibly()} on Linux) and waits until it is gone: no
     * shutdown hook runs, nothing is flushed or released, as when a machine dies or the OOM killer strikes. For the
     * fault tests; its exit is not reported as unexpected.
     */
    void kill() throws InterruptedException {
        descendantsAtStop = process.descendants().toList();
        stopRequested = true;
        process.destroyForcibly();
        descendantsAtStop.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
    }

    /** Sends SIGTERM to the process and its descendants; returns at once. */
    void requestStop() {
        if (stopRequested && !process.isAlive()) {
            return;
        }
        descendantsAtStop = process.descendants().toList();
        stopRequested = true;
        process.destroy();
        descendantsAtStop.forEach(ProcessHandle::destroy);
    }

    /**
     * Waits until the process has exited; past {@code grace} it and its descendants are killed.
     *
     * @return whether nothing of the process tree is alive any more
     */
    boolean awaitStop(Duration grace) throws InterruptedException {
        requestStop();
        if (!process.waitFor(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)) {
            log.warn("{} (pid {}) did not stop within {} s; killing it", name, process.pid(), grace.toSeconds());
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle descendant : descendantsAtStop) {
            if (descendant.isAlive()) {
                log.warn("{}: descendant pid {} still alive; killing it", name, descendant.pid());
                descendant.destroyForcibly();
                try {
                    descendant.onExit().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    log.warn("{}: descendant pid {} survived SIGKILL for 10 s", name, descendant.pid());
                }
            }
        }
        return processTree().stream().noneMatch(ProcessHandle::isAlive);
    }

    /** The last {@code lines} lines of the log file, for error messages. */
    String tailOfLog(int lines) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, 16 * 1024);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
