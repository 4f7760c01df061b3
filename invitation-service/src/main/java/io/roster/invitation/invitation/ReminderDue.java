package io.roster.invitation.invitation;

import java.time.Duration;
import java.time.Instant;

/**
 * When a pending invitation is due its one reminder: {@code hours} before it expires, but not before halfway between
 * its last email and its expiry. So an invitation whose whole validity is shorter than the window is reminded halfway
 * rather than right after the invitation email it just got.
 */
final class ReminderDue {

    private ReminderDue() {
    }

    /** Null when the organization's reminders are off ({@code hours} null). */
    static Instant atOrNull(Instant lastSentAt, Instant expiresAt, Integer hours) {
        return hours == null ? null : at(lastSentAt, expiresAt, hours);
    }

    static Instant at(Instant lastSentAt, Instant expiresAt, int hours) {
        Instant beforeExpiry = expiresAt.minus(Duration.ofHours(hours));
        Instant halfway = lastSentAt.plus(Duration.between(lastSentAt, expiresAt).dividedBy(2));
        return beforeExpiry.isAfter(halfway) ? beforeExpiry : halfway;
    }
}
