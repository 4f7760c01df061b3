package io.roster.kit.consumer;

import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.tracing.TestTracing;
import io.roster.kit.tracing.Traces;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A record is handled in a child span of its ce_traceparent, with its ids in the log context; both undone after. */
@ExtendWith(TestTracing.class)
class RecordLogContextTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String STORING_SPAN = "00f067aa0ba902b7";

    @Test
    void aRecordIsHandledInAChildSpanOfItsTraceparent() {
        RecordHeaders headers = new RecordHeaders();
        add(headers, "ce_traceparent", "00-" + TRACE + "-" + STORING_SPAN + "-01");
        add(headers, "ce_correlationid", "request-1");
        add(headers, "ce_id", "event-9");
        add(headers, "ce_type", "roster.invitation.InvitationIssued.v1");

        String inside;
        try (var context = RecordLogContext.of(headers, "aggregate-1")) {
            inside = Traces.currentTraceparent();
            assertThat(MDC.get(CorrelationId.MDC_KEY)).isEqualTo("request-1");
            assertThat(MDC.get(RecordLogContext.EVENT_ID)).isEqualTo("event-9");
        }

        assertThat(TestTracing.traceIdOf(inside)).isEqualTo(TRACE);
        assertThat(TestTracing.spanIdOf(inside)).as("a span of its own").isNotEqualTo(STORING_SPAN);
        assertThat(Traces.currentTraceparent()).isNull();
        assertThat(MDC.get(CorrelationId.MDC_KEY)).isNull();
        assertThat(MDC.get(RecordLogContext.EVENT_ID)).isNull();
    }

    @Test
    void aRecordWithoutTraceparentStartsATrace() {
        try (var context = RecordLogContext.of(new RecordHeaders(), "aggregate-1")) {
            assertThat(Traces.currentTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        }
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
