package io.roster.kit.tracing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * A real OpenTelemetry tracer (W3C propagation, every span sampled, exported nowhere) for the kit's tests: installed
 * around each test of a class with {@code @ExtendWith(TestTracing.class)}, or by hand with {@link #install()}.
 */
public final class TestTracing implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        uninstall();
    }

    public static void install() {
        SdkTracerProvider provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();
        io.opentelemetry.api.trace.Tracer otel = provider.get("roster-test");
        Tracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> { });
        Propagator propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
        Traces.install(tracer, propagator);
    }

    public static void uninstall() {
        Traces.install(Tracer.NOOP, Propagator.NOOP);
    }

    /** The trace id of a {@code traceparent} (version-traceid-spanid-flags). */
    public static String traceIdOf(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    /** The span id of a {@code traceparent}. */
    public static String spanIdOf(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[2];
    }
}
