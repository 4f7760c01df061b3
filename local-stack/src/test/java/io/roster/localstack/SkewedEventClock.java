package io.roster.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command service whose events are stamped by a clock that is off: the process's main class, with Axon's event
 * clock ({@code GenericEventMessage.clock}, which stamps every event the service appends to its event store) set to
 * the system clock plus {@code -Dskewed-event-clock.offset} ({@code -PT2S}: two seconds behind).
 *
 * <p>Only the event timestamps are skewed, not the rest of the process (JWT expiry, {@code occurredAt} in the payloads):
 * no tool here can move one process's system clock (libfaketime is not installed on these machines). The event
 * timestamps are all the relay reads, so for the relay this process is a replica whose clock is behind.
 *
 * <p>{@link #command} starts it through Spring Boot's {@code PropertiesLauncher}, with this one class on
 * {@code loader.path}, so it runs inside the service's own class loader; Axon is reached by reflection because
 * local-stack does not depend on it.
 */
public final class SkewedEventClock {

    private static final String OFFSET = "skewed-event-clock.offset";
    private static final String MAIN = "skewed-event-clock.main";

    private SkewedEventClock() {
    }

    public static void main(String[] args) throws Exception {
        Duration offset = Duration.parse(System.getProperty(OFFSET));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Class<?> messages = Class.forName("org.axonframework.eventhandling.GenericEventMessage", true, loader);
        messages.getField("clock").set(null, Clock.offset(Clock.systemUTC(), offset));
        org.slf4j.LoggerFactory.getLogger(SkewedEventClock.class).info("Axon's event clock set to the system clock {}", offset);
        Class.forName(System.getProperty(MAIN), true, loader).getMethod("main", String[].class).invoke(null, (Object) args);
    }

    /**
     * The command line that runs {@code mainClass} from the Spring Boot jar {@code jar} with its events stamped
     * {@code offset} off; this class is copied to {@code folder} (the launcher's {@code loader.path}) first.
     */
    static List<String> command(Path jar, String mainClass, Duration offset, List<String> jvmOptions, Path folder)
            throws IOException {
        String resource = SkewedEventClock.class.getName().replace('.', '/') + ".class";
        Path copy = folder.resolve(resource);
        Files.createDirectories(copy.getParent());
        try (InputStream in = SkewedEventClock.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>();
        command.add(LocalStack.javaExecutable());
        command.addAll(jvmOptions);
        command.add("-Dloader.path=" + folder);
        command.add("-Dloader.main=" + SkewedEventClock.class.getName());
        command.add("-D" + OFFSET + "=" + offset);
        command.add("-D" + MAIN + "=" + mainClass);
        command.add("-cp");
        command.add(jar.toString());
        command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        return command;
    }
}
