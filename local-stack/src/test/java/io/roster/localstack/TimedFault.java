package io.roster.localstack;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An end-to-end class that injects a real fault (a SIGKILL, a revoked token) and holds the stack to tight time bounds
 * while it does: a takeover within 10 s, a dead worker's emails within 30 s, a revocation within 5 s. The end-to-end
 * classes run three at a time (failsafe's {@code forkCount}, local-stack's pom), but never two of these: each takes
 * an exclusive lock on {@code target/fault-tests.lock} for its whole run, so its bounds are never measured beside
 * another timed fault's burst and restarts. Fault tests whose assertions are about what is
 * lost or kept (an outage, a skewed clock, a broker or service killed) and whose waits are generous do not take it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TimedFault.OneAtATime.class)
public @interface TimedFault {

    /** The lock, taken before the class's {@code @BeforeAll} (which starts its stack) and given back after its last test. */
    final class OneAtATime implements BeforeAllCallback, AfterAllCallback {

        private static final Logger log = LoggerFactory.getLogger(OneAtATime.class);
        private static final Path LOCK_FILE = Path.of("target", "fault-tests.lock");
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OneAtATime.class);

        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            Files.createDirectories(LOCK_FILE.getParent());
            FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long asked = System.nanoTime();
            // blocks while another fork's fault class holds it; the kernel frees it if that JVM dies
            FileLock lock = channel.lock();
            log.info("== {} runs alone among the fault tests (waited {} ms for the lock)",
                    context.getRequiredTestClass().getSimpleName(), (System.nanoTime() - asked) / 1_000_000);
            context.getStore(NAMESPACE).put("lock", lock);
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            FileLock lock = context.getStore(NAMESPACE).remove("lock", FileLock.class);
            if (lock != null) {
                lock.release();
                lock.channel().close();
            }
        }
    }
}
