package io.roster.kit.consumer;

import io.roster.kit.command.Commands;
import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.tracing.TestTracing;
import io.roster.kit.tracing.Traces;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Work held to a batch's end runs again in its record's log context and trace, and its events name the record as cause. */
@ExtendWith(TestTracing.class)
class RecordOriginTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @AfterEach
    void noLogContext() {
        MDC.clear();
    }

    @Test
    void heldWorkRunsInItsRecordsContextAndItsEventsNameTheRecordAsCause() {
        RecordOrigin origin;
        try (var context = RecordLogContext.of(headers(), "aggregate-1")) {
            origin = RecordOrigin.here();
        }
        MDC.put(CorrelationId.MDC_KEY, "the batch's own");

        String[] inside = new String[2];
        origin.within(() -> {
            inside[0] = MDC.get(CorrelationId.MDC_KEY);
            inside[1] = Traces.currentTraceparent();
            return null;
        });

        assertThat(inside[0]).isEqualTo("request-1");
        assertThat(TestTracing.traceIdOf(inside[1])).as("the record's trace").isEqualTo(TRACE);
        assertThat(MDC.get(CorrelationId.MDC_KEY)).as("this thread's context back").isEqualTo("the batch's own");
        assertThat(Traces.currentTraceparent()).isNull();
        Map<String, String> metaData = origin.eventMetaData();
        assertThat(metaData).containsEntry(Commands.CAUSATION_ID, "event-9").containsEntry(Commands.TRACE_ID, "request-1");
        assertThat(TestTracing.traceIdOf(metaData.get(Traces.TRACEPARENT))).isEqualTo(TRACE);
    }

    private static RecordHeaders headers() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_traceparent", ("00-" + TRACE + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        headers.add("ce_correlationid", "request-1".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", "event-9".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "roster.identity.UserRegistered.v2".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
