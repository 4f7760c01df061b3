package io.roster.identity.organization;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import io.roster.kit.web.ApiProblem;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The end date a membership may be given: a future instant at most {@value #MAX_YEARS} years out. */
public final class MembershipEndDate {

    static final String FIELD = "expiresAt";
    static final int MAX_YEARS = 10;

    private MembershipEndDate() {
    }

    /** {@code expiresAt} itself (null: none), or a validation problem naming {@value #FIELD}. */
    static Instant check(Instant expiresAt, Clock clock) {
        List<ApiProblem.FieldProblem> problems = problems(FIELD, expiresAt, clock);
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return expiresAt;
    }

    /** What is wrong with an end date given in {@code field} (null: none, which is fine); empty when nothing is. */
    public static List<ApiProblem.FieldProblem> problems(String field, Instant expiresAt, Clock clock) {
        if (expiresAt == null) {
            return List.of();
        }
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            return List.of(new ApiProblem.FieldProblem(field, "must be in the future"));
        }
        if (expiresAt.isAfter(now.atOffset(ZoneOffset.UTC).plusYears(MAX_YEARS).toInstant())) {
            return List.of(new ApiProblem.FieldProblem(field, "must be at most " + MAX_YEARS + " years from now"));
        }
        return List.of();
    }

    /**
     * An ISO-8601 instant as text and nothing else: Jackson's own reading takes a number as seconds since 1970, which
     * a client sending a number most likely did not mean. A number or garbage becomes a mistyped-field problem naming
     * the field.
     */
    public static final class IsoInstant extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getText().strip();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text, "not a date-time such as 2026-12-06T10:00:00Z");
            }
        }
    }
}
