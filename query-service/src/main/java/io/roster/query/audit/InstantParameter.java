package io.roster.query.audit;

import io.roster.query.web.QueryParameters;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * An instant in a query parameter: ISO-8601 with a zone offset ({@code 2025-03-01T09:30:00Z},
 * {@code 2025-03-01T10:30:00.250+01:00}). A time without an offset is refused rather than guessed.
 */
public final class InstantParameter {

    static final String EXPECTED = "must be an ISO-8601 instant with an offset, such as 2025-03-01T09:30:00Z";

    private InstantParameter() {
    }

    /** The instant, or null when absent or blank; a malformed one is reported to {@code params}. */
    public static Instant parse(QueryParameters params, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            params.reject(field, EXPECTED);
            return null;
        }
    }
}
