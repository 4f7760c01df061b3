package io.roster.localstack;

import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SelectClasses;

/**
 * The end-to-end classes that share one stack ({@link SharedStack}), run one after another in this class's JVM. The
 * failsafe configuration (local-stack's pom) excludes them from running on their own in the full build; each still
 * runs alone with {@code -Dit.test=<Class>}.
 */
@Suite
@SelectClasses({
        ConsistentProblemsIT.class,
        AccountLifecycleEndToEndIT.class,
        AuditEndToEndIT.class,
        TracingEndToEndIT.class,
        BrowserInvitationFlowIT.class,
        AdminConsoleBrowserIT.class,
        TokenRevocationEndToEndIT.class,
        ConsoleRateLimitEndToEndIT.class})
class SharedStackEndToEndIT {
}
