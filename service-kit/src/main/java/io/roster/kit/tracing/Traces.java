package io.roster.kit.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * W3C trace context (traceparent, tracestate) where Roster carries it by hand: Axon metadata, Kafka headers, the
 * delivery queue, SMTP headers. Boot's Micrometer Tracing (OpenTelemetry bridge) makes the spans; this reads and
 * continues them. Static because the places that need it (log contexts, records, value objects) are not beans;
 * {@link TracingConfiguration} installs the service's tracer, and until then (plain unit tests) nothing is traced.
 */
public final class Traces {

    /** The W3C header, the Axon metadata key and the CloudEvents distributed-tracing extension name. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static volatile Tracer tracer = Tracer.NOOP;
    private static volatile Propagator propagator = Propagator.NOOP;

    private Traces() {
    }

    /** The service's tracer and W3C propagator (Boot's beans). */
    public static void install(Tracer serviceTracer, Propagator servicePropagator) {
        tracer = serviceTracer;
        propagator = servicePropagator;
    }

    /** The current span's {@code traceparent} and {@code tracestate} (when it has one); empty when no span is current. */
    public static Map<String, String> current() {
        Span span = tracer.currentSpan();
        Map<String, String> headers = new HashMap<>(2);
        // an unsampled span is carried on too (flags 00): sampling decides what is exported, not what is followed
        if (span != null) {
            propagator.inject(span.context(), headers, Map::put);
        }
        headers.keySet().retainAll(Set.of(TRACEPARENT, TRACESTATE));
        return headers;
    }

    /** The current span's {@code traceparent}, or null. */
    public static String currentTraceparent() {
        return current().get(TRACEPARENT);
    }

    /**
     * Starts a span that continues {@code traceparent} (a child of it; a new trace when it is null or malformed) and
     * makes it current on this thread, with its ids in the log context, until the answer is closed.
     */
    public static Continued continueFrom(String name, String traceparent, String tracestate) {
        Map<String, String> carrier = new HashMap<>(2);
        if (traceparent != null) {
            carrier.put(TRACEPARENT, traceparent);
        }
        if (tracestate != null) {
            carrier.put(TRACESTATE, tracestate);
        }
        Span span = propagator.extract(carrier, Map::get).name(name).kind(Span.Kind.CONSUMER).start();
        return new Continued(span, tracer.withSpan(span), true);
    }

    /**
     * Makes a request's server span current on this thread (the command path runs off the event loop, where the
     * Reactor context's span is not restored by itself); nothing happens when the request is not observed.
     */
    public static Continued resume(ServerWebExchange exchange) {
        Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .orElse(null);
        return span == null ? Continued.NONE : new Continued(span, tracer.withSpan(span), false);
    }

    /** A span made current by {@link #continueFrom} or {@link #resume}; closing it ends what this class started. */
    public static final class Continued implements AutoCloseable {

        static final Continued NONE = new Continued(null, null, false);

        private final Span span;
        private final Tracer.SpanInScope scope;
        private final boolean owned;

        private Continued(Span span, Tracer.SpanInScope scope, boolean owned) {
            this.span = span;
            this.scope = scope;
            this.owned = owned;
        }

        /** Notes a failure on the span (a collector shows it as an error). */
        public void failed(Throwable failure) {
            if (span != null) {
                span.error(failure);
            }
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.close();
            }
            if (owned) {
                span.end();
            }
        }
    }
}
