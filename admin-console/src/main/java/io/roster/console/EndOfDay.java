package io.roster.console;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The end dates the forms take (a membership's, an invitation's, a link's) are days on the viewer's calendar: "ends
 * after 31 January" lasts through that day where the viewer is, so it becomes the instant the next day starts in
 * their time zone (which console.js puts into each such form; UTC when the script did not run).
 */
final class EndOfDay {

    private EndOfDay() {}

    /** The instant {@code date} (yyyy-mm-dd) ends in {@code zone}; a DateTimeException when the date is no date. */
    static Instant of(String date, String zone) {
        return LocalDate.parse(date).plusDays(1).atStartOfDay(zoneOrUtc(zone)).toInstant();
    }

    /**
     * The last day something ending at {@code instant} lasts, in UTC, to fill a date field with (empty for none): the
     * day of the moment just before it, since an end set by these forms is a midnight. console.js sets the field to
     * the same day on the viewer's own calendar.
     */
    static String utcDate(String instant) {
        if (instant == null || instant.isBlank()) {
            return "";
        }
        try {
            return Instant.parse(instant).minusMillis(1).atZone(ZoneOffset.UTC).toLocalDate().toString();
        } catch (DateTimeException e) {
            return "";
        }
    }

    private static ZoneId zoneOrUtc(String zone) {
        try {
            return zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** The message for a date field that holds no date. */
    static String notADate(String value) {
        return "'" + value + "' is not a date: choose one (yyyy-mm-dd).";
    }
}
