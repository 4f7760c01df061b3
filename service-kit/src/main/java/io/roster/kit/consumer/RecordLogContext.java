package io.roster.kit.consumer;

import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.tracing.Traces;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.Map;

/**
 * Puts the ids a record carries into the log context (SLF4J MDC) for every line written while it is handled,
 * and restores what was there after: {@code correlationId} (the services' log pattern prints it),
 * {@code causationId}, {@code eventId}, {@code eventType}, {@code aggregateId}. Read from the CloudEvents headers, so
 * an undecodable record is logged with its ids too.
 *
 * <p>The record is handled in a span continuing its {@code ce_traceparent} (a child of the span that stored the
 * event; a new trace when the record has none): current on the consumer's thread meanwhile, so the log lines carry its
 * {@code traceId} and {@code spanId} and the commands and events the handling causes carry the trace on.
 */
final class RecordLogContext implements AutoCloseable {

    static final String CAUSATION_ID = "causationId";
    static final String EVENT_ID = "eventId";
    static final String EVENT_TYPE = "eventType";
    static final String AGGREGATE_ID = "aggregateId";

    private final Map<String, String> previous = new HashMap<>();
    private final Traces.Continued span;

    private RecordLogContext(Iterable<Header> headers, String key) {
        String correlation = StoredRecord.header(headers, "ce_correlationid");
        put(CorrelationId.MDC_KEY, correlation);
        put(CAUSATION_ID, StoredRecord.header(headers, "ce_causationid"));
        put(EVENT_ID, StoredRecord.header(headers, "ce_id"));
        put(EVENT_TYPE, StoredRecord.header(headers, "ce_type"));
        String aggregate = StoredRecord.header(headers, "ce_aggregateid");
        put(AGGREGATE_ID, aggregate != null ? aggregate : key);
        String type = StoredRecord.header(headers, "ce_type");
        span = Traces.continueFrom(type != null ? "apply " + type : "apply record",
                StoredRecord.header(headers, "ce_traceparent"), StoredRecord.header(headers, "ce_tracestate"));
    }

    static RecordLogContext of(Iterable<Header> headers, String key) {
        return new RecordLogContext(headers, key);
    }

    static RecordLogContext of(StoredRecord record) {
        return new RecordLogContext(record.headers(), record.key());
    }

    private void put(String key, String value) {
        previous.put(key, MDC.get(key));
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        span.close();
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
