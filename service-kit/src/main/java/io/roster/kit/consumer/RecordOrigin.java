package io.roster.kit.consumer;

import io.roster.kit.command.Commands;
import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.tracing.Traces;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What was current while a record was handled: its log context (correlation, causation and event ids) and its span's
 * trace. Work held to a batch's end ({@link HeldToBatchEnd}) runs in it again, so the commands it sends and the events
 * they append carry the record's trace and name the record's event as their cause, as if sent by the handler.
 */
public record RecordOrigin(Map<String, String> logContext, Map<String, String> trace) {

    public RecordOrigin {
        logContext = Map.copyOf(logContext);
        trace = Map.copyOf(trace);
    }

    /** The record being handled on this thread now. */
    static RecordOrigin here() {
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        return new RecordOrigin(logContext == null ? Map.of() : logContext, Traces.current());
    }

    /** Runs {@code work} in the record's log context and in a span continuing its trace, then restores this thread's. */
    public <R> R within(Supplier<R> work) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        MDC.setContextMap(logContext);
        try (var span = Traces.continueFrom("apply held " + logContext.getOrDefault(RecordLogContext.EVENT_TYPE, "record"),
                trace.get(Traces.TRACEPARENT), trace.get(Traces.TRACESTATE))) {
            return work.get();
        } finally {
            if (before == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(before);
            }
        }
    }

    /**
     * The metadata an event caused by this record carries when one command makes the events of many records: the
     * record's trace and correlation id, and its event as the cause (what {@link Commands} gives the events of a command
     * the handler sent).
     */
    public Map<String, String> eventMetaData() {
        Map<String, String> metaData = new HashMap<>(trace);
        String eventId = logContext.get(RecordLogContext.EVENT_ID);
        if (eventId != null) {
            metaData.put(Commands.CAUSATION_ID, eventId);
        }
        String correlationId = logContext.get(CorrelationId.MDC_KEY);
        if (correlationId != null) {
            metaData.put(Commands.TRACE_ID, correlationId);
        }
        return metaData;
    }
}
