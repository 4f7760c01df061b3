package io.roster.kit.tracing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Turns the OpenTelemetry convention into Boot's setting: with {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the collector's
 * base URL, e.g. {@code http://collector:4318}) set, spans go by OTLP/HTTP to its {@code /v1/traces}
 * ({@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, a full URL, wins). Unset, {@code management.otlp.tracing.endpoint} stays
 * unset, Boot makes no OTLP exporter, and nothing tries localhost:4318. An explicit
 * {@code management.otlp.tracing.endpoint} is left alone.
 */
public class OtlpEndpointEnvironment implements EnvironmentPostProcessor {

    static final String BOOT_PROPERTY = "management.otlp.tracing.endpoint";
    static final String BASE = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String TRACES = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String endpoint = endpoint(environment.getProperty(TRACES), environment.getProperty(BASE));
        if (endpoint != null && !environment.containsProperty(BOOT_PROPERTY)) {
            environment.getPropertySources().addLast(new MapPropertySource("roster-otlp-endpoint", Map.of(BOOT_PROPERTY, endpoint)));
        }
    }

    /** The traces URL from the two OpenTelemetry variables, or null when neither is set. */
    static String endpoint(String traces, String base) {
        if (traces != null && !traces.isBlank()) {
            return traces.trim();
        }
        if (base != null && !base.isBlank()) {
            String trimmed = base.trim();
            return (trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed) + "/v1/traces";
        }
        return null;
    }
}
