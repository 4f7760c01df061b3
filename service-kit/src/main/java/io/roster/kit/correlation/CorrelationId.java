package io.roster.kit.correlation;

import io.micrometer.context.ContextRegistry;
import org.slf4j.MDC;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id that follows one user action through every service: HTTP header {@value #HEADER}, Axon
 * metadata, the CloudEvents {@code correlationid} extension, and the {@value #MDC_KEY} of log lines.
 */
public final class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    public static final String MDC_KEY = "correlationId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    static {
        // Reactor carries the id in its context; this copies it into the MDC on whatever thread runs.
        ContextRegistry.getInstance().registerThreadLocalAccessor(MDC_KEY,
                () -> MDC.get(MDC_KEY), value -> MDC.put(MDC_KEY, value), () -> MDC.remove(MDC_KEY));
    }

    private CorrelationId() {
    }

    /** A caller's id when it is safe to log, else a fresh one. */
    public static String acceptOrCreate(String candidate) {
        return candidate != null && SAFE.matcher(candidate).matches() ? candidate : UUID.randomUUID().toString();
    }

    /** Makes sure the registration above has run. */
    static void register() {
        // the static initializer does the work
    }
}
