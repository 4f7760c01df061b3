package io.roster.query.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

/**
 * Where an event sits in the timeline, as one string whose text order is the timeline's order: the time it
 * happened (UTC, always nine fraction digits, so that text order is time order), then its aggregate and its
 * zero-padded sequence number in that aggregate as the tiebreak. Events of one aggregate at the same instant
 * stay in their stream's order, and the order never depends on when or where the event was consumed.
 */
final class TimelinePosition {

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);
    private static final Pattern POSITION = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z \\S{1,200} \\d{19}");

    private TimelinePosition() {
    }

    static String of(Instant occurredAt, String aggregateId, long sequence) {
        return time(occurredAt) + ' ' + aggregateId + ' ' + String.format("%019d", sequence);
    }

    /**
     * The first position at {@code instant}: every event at or after it sorts at or after this key, every
     * earlier one before it, so {@code from} and {@code to} bound the timeline by plain text comparison.
     */
    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /** Whether a cursor's key is a position this API wrote (anything else is a cursor of another list). */
    static boolean isPosition(String text) {
        return text != null && POSITION.matcher(text).matches();
    }
}
