package io.roster.kit.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Hands Boot's tracer and propagator to {@link Traces}. Spans are made at every request and record; they leave the
 * process only through an exporter, and the OTLP one exists only when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set
 * ({@link OtlpEndpointEnvironment}).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryPropagationConfigurations"})
public class TracingConfiguration {

    /** A bean so that it is made, with the tracer, before anything starts consuming or serving. */
    @Bean
    TracesInstaller tracesInstaller(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Traces.install(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
        return new TracesInstaller();
    }

    /** Marks that {@link Traces} has the service's tracer. */
    public static final class TracesInstaller {
    }
}
