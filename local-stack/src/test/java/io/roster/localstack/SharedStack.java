package io.roster.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One whole stack (with the admin console) for the end-to-end classes that only use a stack: they kill, stop, slow or
 * restart nothing and need no setting of their own. {@link SharedStackEndToEndIT} runs them one after another in one
 * JVM on it; each also runs alone ({@code -Dit.test=<Class>}) and then starts it for itself.
 *
 * <p>Why: a stack's start is about 45 s of CPU (four services, the console, Kafka, the Mongo-wire server's first
 * writes), and the end-to-end phase is bound by the two cores; seven classes each paid it.
 *
 * <p>A class registers it with {@code @ExtendWith(SharedStack.class)} and reads {@link #stack()} in its
 * {@code @BeforeAll}. The first class starts it; JUnit closes it once every class of the JVM has run (the root
 * context's store). Each class keeps its own files in {@link #folder(String)} and its data to its own organizations.
 */
final class SharedStack implements BeforeAllCallback {

    static final Ports PORTS = TestPorts.block(17);
    static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    static final String NOTIFICATION = "http://127.0.0.1:" + PORTS.notification();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);

    private static volatile RunningStack running;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(RunningStack.class, key -> new Started(start()),
                Started.class);
    }

    /** The running stack; {@code @ExtendWith(SharedStack.class)} starts it before the class's {@code @BeforeAll}. */
    static RunningStack stack() {
        if (running == null) {
            throw new IllegalStateException("the shared stack starts with @ExtendWith(SharedStack.class)");
        }
        return running;
    }

    /** A folder of the stack's data folder for one class's files (a browser profile, an export). */
    static Path folder(String name) {
        try {
            return Files.createDirectories(stack().config().dataDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RunningStack start() {
        try {
            LocalStackConfig config = RunningStack.onWipedDataFolder("shared-stack-data", PORTS)
                    .withConsole(true)
                    .withServiceEnvironment(Map.of(
                            // TracingEndToEndIT reads the consumer runtime's per-record "Applied" line and the delivery
                            // worker's "sent" line, both at debug
                            "LOGGING_LEVEL_IO_ROSTER_KIT_CONSUMER", "DEBUG",
                            "LOGGING_LEVEL_IO_ROSTER_NOTIFICATION_DELIVERY", "DEBUG",
                            // every class logs the bootstrap admin in, and several try unknown invitation tokens, all
                            // from 127.0.0.1: seven classes within minutes would add up past limits meant for one
                            // person or one client (10 logins per 5 min, 60 unknown tokens per 10 min), which no class
                            // here is testing
                            "ROSTER_RATE_LIMIT_LOGIN_ACCOUNT_CAPACITY", "100",
                            "ROSTER_RATE_LIMIT_INVITATION_TOKEN_CAPACITY", "600",
                            // ConsoleRateLimitEndToEndIT empties one browser's bucket of wrong passwords through the
                            // console: 30 tries instead of 100, each a bcrypt comparison of cost 12. The other classes'
                            // few wrong passwords and refused renewals from 127.0.0.1 stay far below it
                            "ROSTER_RATE_LIMIT_LOGIN_ADDRESS_CAPACITY", "30",
                            // longer than the tokens' 1 h: every console request renews its session's token first
                            // (TokenRevocationEndToEndIT's renewal step; every console page of the other classes goes
                            // through a renewal too)
                            "ROSTER_CONSOLE_RENEWAL_WINDOW", "PT2H"));
            running = RunningStack.start(config);
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Started(RunningStack stack) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            running = null;
            stack.close();
        }
    }
}
