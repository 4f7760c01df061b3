package io.roster.kit.consumer;

import io.roster.kit.correlation.CorrelationId;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.Map;

/**
 * Puts the ids a record carries into the log context (SLF4J MDC) for every line written while it is handled,
 * and restores what was there after: {@code correlationId} (the services' log pattern prints it), {@code traceId}
 * (the root request: Roster's correlation id), {@code causationId}, {@code eventId}, {@code eventType},
 * {@code aggregateId}. Read from the CloudEvents headers, so an undecodable record is logged with its ids too.
 */
final class RecordLogContext implements AutoCloseable {

    static final String TRACE_ID = "traceId";
    static final String CAUSATION_ID = "causationId";
    static final String EVENT_ID = "eventId";
    static final String EVENT_TYPE = "eventType";
    static final String AGGREGATE_ID = "aggregateId";

    private final Map<String, String> previous = new HashMap<>();

    private RecordLogContext(Iterable<Header> headers, String key) {
        String correlation = StoredRecord.header(headers, "ce_correlationid");
        put(CorrelationId.MDC_KEY, correlation);
        put(TRACE_ID, correlation);
        put(CAUSATION_ID, StoredRecord.header(headers, "ce_causationid"));
        put(EVENT_ID, StoredRecord.header(headers, "ce_id"));
        put(EVENT_TYPE, StoredRecord.header(headers, "ce_type"));
        String aggregate = StoredRecord.header(headers, "ce_aggregateid");
        put(AGGREGATE_ID, aggregate != null ? aggregate : key);
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
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
