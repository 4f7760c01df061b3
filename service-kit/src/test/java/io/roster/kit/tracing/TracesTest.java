package io.roster.kit.tracing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(TestTracing.class)
class TracesTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    @Test
    void aContinuedSpanIsAChildOfTheTraceparentAndCurrentUntilClosed() {
        assertThat(Traces.currentTraceparent()).isNull();
        String inside;
        try (var span = Traces.continueFrom("apply", "00-" + TRACE + "-" + PARENT + "-01", "roster=1")) {
            inside = Traces.currentTraceparent();
            assertThat(Traces.current()).containsEntry(Traces.TRACESTATE, "roster=1");
        }
        assertThat(TestTracing.traceIdOf(inside)).isEqualTo(TRACE);
        assertThat(TestTracing.spanIdOf(inside)).isNotEqualTo(PARENT).hasSize(16);
        assertThat(Traces.currentTraceparent()).as("nothing current once closed").isNull();
    }

    @Test
    void withoutATraceparentASpanStartsANewTrace() {
        try (var span = Traces.continueFrom("apply", null, null)) {
            assertThat(Traces.currentTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01").doesNotContain(TRACE);
        }
        try (var span = Traces.continueFrom("apply", "not-a-traceparent", null)) {
            assertThat(Traces.currentTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        }
    }

    @Test
    void withoutATracerNothingIsTraced() {
        TestTracing.uninstall();
        try (var span = Traces.continueFrom("apply", "00-" + TRACE + "-" + PARENT + "-01", null)) {
            assertThat(Traces.current()).isEmpty();
        }
    }

    @Test
    void theOtlpEndpointIsSetOnlyWhenTheOpenTelemetryVariableIs() {
        assertThat(OtlpEndpointEnvironment.endpoint(null, null)).isNull();
        assertThat(OtlpEndpointEnvironment.endpoint(" ", "")).isNull();
        assertThat(OtlpEndpointEnvironment.endpoint(null, "http://collector:4318/")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(OtlpEndpointEnvironment.endpoint("http://other:4318/v1/traces", "http://collector:4318"))
                .isEqualTo("http://other:4318/v1/traces");

        MockEnvironment unset = new MockEnvironment();
        new OtlpEndpointEnvironment().postProcessEnvironment(unset, null);
        assertThat(unset.containsProperty(OtlpEndpointEnvironment.BOOT_PROPERTY)).as("no exporter, no localhost:4318").isFalse();

        MockEnvironment set = new MockEnvironment().withProperty(OtlpEndpointEnvironment.BASE, "http://collector:4318");
        new OtlpEndpointEnvironment().postProcessEnvironment(set, null);
        assertThat(set.getProperty(OtlpEndpointEnvironment.BOOT_PROPERTY)).isEqualTo("http://collector:4318/v1/traces");

        MockEnvironment explicit = new MockEnvironment().withProperty(OtlpEndpointEnvironment.BASE, "http://collector:4318")
                .withProperty(OtlpEndpointEnvironment.BOOT_PROPERTY, "http://mine:4318/v1/traces");
        new OtlpEndpointEnvironment().postProcessEnvironment(explicit, null);
        assertThat(explicit.getProperty(OtlpEndpointEnvironment.BOOT_PROPERTY)).isEqualTo("http://mine:4318/v1/traces");
    }
}
