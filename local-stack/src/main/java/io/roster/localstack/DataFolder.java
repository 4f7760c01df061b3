package io.roster.localstack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The local stack's data folder. Everything that must survive a restart lives here:
 *
 * <pre>
 * logs/                      kafka.log, &lt;service&gt;.log (the previous run's as *.log.1)
 * kafka/cluster.id           the KRaft cluster id, generated once
 * kafka/data/                the broker's log.dirs (topics, offsets, metadata)
 * mongo/roster.mv            the Mongo-wire server's H2 MVStore file
 * services/&lt;module&gt;/        each service's ROSTER_DATA_DIR (identity keeps its JWT signing key there)
 * secrets/token-encryption.key  the AES-256 key (base64) shared by identity, invitation and notification
 * </pre>
 */
final class DataFolder implements AutoCloseable {

    private final Path root;
    private FileChannel lockChannel;
    private FileLock lock;

    DataFolder(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path logs() {
        return root.resolve("logs");
    }

    Path logFile(String name) {
        return logs().resolve(name + ".log");
    }

    Path kafka() {
        return root.resolve("kafka");
    }

    Path kafkaLogDirs() {
        return kafka().resolve("data");
    }

    Path mongoFile() {
        return root.resolve("mongo").resolve("roster.mv");
    }

    Path serviceDir(RosterService service) {
        return root.resolve("services").resolve(service.module());
    }

    /**
     * Creates the folders and takes an exclusive lock on the folder, so that two stacks never share one
     * (the H2 file and the Kafka log dirs would not survive it).
     */
    void prepareAndLock() throws IOException {
        for (Path dir : new Path[] {root, logs(), kafka(), kafkaLogDirs(), mongoFile().getParent(),
                root.resolve("services"), root.resolve("secrets")}) {
            Files.createDirectories(dir);
        }
        for (RosterService service : RosterService.values()) {
            Files.createDirectories(serviceDir(service));
        }
        lockChannel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new StartupException("the data folder " + root + " is in use by another local stack; stop that one "
                    + "or choose another folder with --data-dir=...");
        }
    }

    /** The KRaft cluster id, generated on first start and kept for every restart. */
    String kafkaClusterId() throws IOException {
        return readOrCreate(kafka().resolve("cluster.id"), () -> org.apache.kafka.common.Uuid.randomUuid().toString());
    }

    /** A base64 AES-256 key, generated on first start and kept for every restart. */
    String tokenEncryptionKey() throws IOException {
        return readOrCreate(root.resolve("secrets").resolve("token-encryption.key"), () -> {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return Base64.getEncoder().encodeToString(key);
        });
    }

    private static String readOrCreate(Path file, Supplier<String> generator) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system; the folder's own permissions apply
                }
                Files.writeString(file, generator.get() + "\n", StandardCharsets.UTF_8);
            } catch (FileAlreadyExistsException e) {
                // created meanwhile: read it below
            }
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (value.isEmpty()) {
            throw new StartupException(file + " is empty; delete it to generate a new value");
        }
        return value;
    }

    /** Releases the folder's lock. */
    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.release();
            lock = null;
        }
        if (lockChannel != null) {
            lockChannel.close();
            lockChannel = null;
        }
    }

    /** Deletes {@code root} and everything under it; nothing happens when it does not exist. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
