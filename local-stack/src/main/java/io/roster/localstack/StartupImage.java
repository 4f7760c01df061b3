package io.roster.localstack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spring Boot jar prepared for fast JVM starts, the way Spring Boot's "Class Data Sharing" guide does it: unpacked
 * with the jar's own tools ({@code -Djarmode=tools extract}, so classes load from plain jars instead of nested ones),
 * plus an application class-data archive (AppCDS) of the classes a start loads, recorded by one training run that
 * stops as soon as the Spring context is refreshed ({@code -Dspring.context.exit=onRefresh}, no port opened, no
 * consumer started).
 *
 * <p>Why: measured on the 2-core reference machine, identity-command-service alone starts in 8.4 s and 11 s of CPU
 * from its fat jar, 5.5 s and 7 s unpacked, 3.5 s and 5 s with the archive. A stack starts four or five services at
 * once and the end-to-end tests start close to a hundred, so start-up CPU was most of their time.
 *
 * <p>An image belongs to one build of its jar: it lives beside it, in {@code <target>/startup-image/<size>-<mtime>/},
 * so a rebuilt jar gets a new one and {@code mvn clean} removes them. Stacks starting at the same time (the tests
 * run three) prepare it once: a file lock per jar makes the others wait for the first. Nothing here stops a stack: a
 * jar that cannot be unpacked starts as it is, and a training that fails is logged and remembered beside the image
 * ({@code classes.jsa.failed}), so that service starts unpacked without an archive, and later starts of the same build
 * do not pay for the failing training again (a rebuilt jar, or deleting that file, tries again). The JVM itself
 * ignores, with a warning, an archive it cannot map.
 */
final class StartupImage {

    private static final Logger log = LoggerFactory.getLogger(StartupImage.class);
    private static final Duration EXTRACT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(4);
    private static final String ARCHIVE = "classes.jsa";
    private static final String FAILED_TRAINING = ARCHIVE + ".failed";

    private final Path jar;
    private final Path archive;

    /**
     * @param jar     the unpacked jar, or the fat jar itself when it could not be unpacked
     * @param archive where the class-data archive is (it may not be yet, or never be); null for a fat jar, which
     *                gets none: an archive records the class path it was trained on
     */
    private StartupImage(Path jar, Path archive) {
        this.jar = jar;
        this.archive = archive;
    }

    /** What to train: the fat jar and how the service is started (JVM options, environment, a working folder). */
    record Training(String name, Path jar, List<String> jvmOptions, Map<String, String> environment,
                    Path workingDirectory, Path logFile) {
    }

    /** The JVM arguments that launch the image (after the JVM options): archive if there is one, then the jar. */
    List<String> launchArguments() {
        List<String> arguments = new ArrayList<>();
        if (archive != null && Files.isRegularFile(archive)) {
            arguments.add("-XX:SharedArchiveFile=" + archive);
        }
        arguments.addAll(List.of("-jar", jar.toString()));
        return arguments;
    }

    /**
     * The images of several jars, unpacked and trained where a previous start has not done so yet. The trainings run
     * at once: each is a short single-threaded start, and they need the stack's MongoDB and Kafka to be up.
     */
    static synchronized <K> Map<K, StartupImage> prepare(Map<K, Training> trainings) throws IOException, InterruptedException {
        Map<K, StartupImage> images = new LinkedHashMap<>();
        List<FileChannel> locks = new ArrayList<>();
        try {
            List<Thread> running = new ArrayList<>();
            for (Map.Entry<K, Training> entry : trainings.entrySet()) {
                Training training = entry.getValue();
                Path folder = folderOf(training.jar());
                locks.add(lock(folder.resolveSibling(folder.getFileName() + ".lock")));
                Path unpacked = unpack(training, folder);
                if (unpacked == null) {
                    images.put(entry.getKey(), new StartupImage(training.jar(), null));
                    continue;
                }
                StartupImage image = new StartupImage(unpacked, folder.resolve(ARCHIVE));
                images.put(entry.getKey(), image);
                if (Files.isRegularFile(folder.resolve(FAILED_TRAINING))) {
                    log.warn("{}: its class-data training failed before for this build ({}); it starts without an archive",
                            training.name(), folder.resolve(FAILED_TRAINING));
                } else if (!Files.isRegularFile(image.archive)) {
                    Thread thread = new Thread(() -> image.train(training), training.name() + "-training");
                    thread.start();
                    running.add(thread);
                }
            }
            for (Thread thread : running) {
                thread.join();
            }
            return images;
        } finally {
            for (FileChannel lock : locks) {
                lock.close();
            }
        }
    }

    static Path folderOf(Path jar) throws IOException {
        String build = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
        return jar.resolveSibling("startup-image").resolve(build);
    }

    /** Blocks until no other process holds the lock file; closing the channel releases it. */
    private static FileChannel lock(Path lockFile) throws IOException {
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock ignored = channel.lock();
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The unpacked jar, or null (logged) when the jar's tools could not unpack it: the stack then starts the fat jar. */
    private static Path unpack(Training training, Path folder) throws IOException, InterruptedException {
        Path unpacked = folder.resolve(training.jar().getFileName());
        if (Files.isRegularFile(unpacked)) {
            return unpacked;
        }
        Path partial = folder.resolveSibling(folder.getFileName() + ".partial");
        DataFolder.deleteRecursively(partial);
        int exit = ChildProcess.run(training.name() + "-unpack",
                List.of(LocalStack.javaExecutable(), "-Djarmode=tools", "-jar", training.jar().toString(),
                        "extract", "--destination", partial.toString()),
                training.workingDirectory(), training.logFile(), EXTRACT_TIMEOUT);
        if (exit != 0 || !Files.isRegularFile(partial.resolve(training.jar().getFileName()))) {
            log.warn("{}: unpacking {} failed (exit code {}); it starts from the jar as it is. See {}", training.name(),
                    training.jar(), exit, training.logFile());
            DataFolder.deleteRecursively(partial);
            return null;
        }
        DataFolder.deleteRecursively(folder);
        Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
        return unpacked;
    }

    private void train(Training training) {
        Path partial = archive.resolveSibling(ARCHIVE + ".partial");
        List<String> command = new ArrayList<>(List.of(LocalStack.javaExecutable()));
        command.addAll(training.jvmOptions());
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-Dspring.context.exit=onRefresh",
                "-jar", jar.toString()));
        long started = System.nanoTime();
        try {
            Files.deleteIfExists(partial);
            int exit = ChildProcess.run(training.name() + "-training", command, training.environment(),
                    training.workingDirectory(), training.logFile(), TRAINING_TIMEOUT);
            if (exit == 0 && Files.isRegularFile(partial)) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                log.info("{}: class-data archive recorded in {} ms ({})", training.name(),
                        Duration.ofNanos(System.nanoTime() - started).toMillis(), archive);
            } else {
                failed(training, "exit code " + exit);
            }
        } catch (IOException e) {
            failed(training, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logged, and remembered for this build: its next starts go without an archive instead of training again. */
    private void failed(Training training, String why) {
        log.warn("{}: the training run for its class-data archive failed ({}); it starts without one, now and at the next "
                + "starts of this build. See {}", training.name(), why, training.logFile());
        try {
            Files.writeString(archive.resolveSibling(FAILED_TRAINING), why + "\n");
        } catch (IOException e) {
            log.warn("{}: could not remember the failed training ({}); the next start trains again", training.name(), e.toString());
        }
    }
}
