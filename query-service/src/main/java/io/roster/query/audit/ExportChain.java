package io.roster.query.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.roster.events.EventJson;

import java.time.Instant;
import java.util.UUID;

/**
 * Writes the lines of one export, each carrying the running hash that {@link ExportVerifier} checks. One instance
 * per export: it holds the previous line's hash and the count of event lines.
 */
final class ExportChain {

    private String previous = ExportVerifier.FIRST_PREVIOUS;
    private long events;

    /** An event's line, without its line feed. */
    String line(AuditEntry entry) {
        events++;
        return next(json(entry));
    }

    /** The closing line: it counts the event lines, so an export cut short no longer verifies. */
    String end(UUID organizationId, Instant exportedAt) {
        return next(json(new EndLine(true, organizationId, events, exportedAt)));
    }

    private String next(String canonical) {
        previous = ExportVerifier.chain(previous, canonical);
        return ExportVerifier.withHash(canonical, previous);
    }

    private static String json(Object value) {
        try {
            // EventJson's mapper writes compact JSON with a fixed field order and ISO instants
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an export line", e);
        }
    }

    @JsonPropertyOrder({"end", "organizationId", "events", "exportedAt"})
    record EndLine(boolean end, UUID organizationId, long events, Instant exportedAt) {
    }
}
