package io.roster.events.invitation;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a membership gained through an invitation or a link lasts: until an end date ({@code expiresAt}), for a
 * number of days from the join ({@code days}), or without end (both null); never both. Both invitation aggregates
 * decide with it, and the pages show it.
 */
public record MembershipTerms(Instant expiresAt, Integer days) {

    /** A membership without end. */
    public static final MembershipTerms NONE = new MembershipTerms(null, null);
    /** The most {@code days} may be, and how far ahead {@code expiresAt} may be (about ten years). */
    public static final int MAX_DAYS = 3650;

    public static final String EXPIRES_AT_FIELD = "membershipExpiresAt";
    public static final String DAYS_FIELD = "membershipDays";

    /** A request field refused, with why. */
    public record Problem(String field, String message) {
    }

    public boolean ends() {
        return expiresAt != null || days != null;
    }

    /**
     * The end of a membership that starts at {@code joinedAt}, decided once, at the join: the end date, or the join
     * plus the days; null when the membership has no end.
     */
    public Instant endFor(Instant joinedAt) {
        if (expiresAt != null) {
            return expiresAt;
        }
        return days == null ? null : joinedAt.plus(Duration.ofDays(days));
    }

    /** Whether the end date has come by {@code now}, so that joining now would give a membership already over. */
    public boolean lapsedAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * These terms after a JSON merge patch of their two fields, each null when left out, empty when sent as null
     * (removed), else the new value. A value for one removes the other: terms are of one kind or none.
     */
    public MembershipTerms patched(Optional<Instant> newExpiresAt, Optional<Integer> newDays) {
        boolean setsExpiresAt = newExpiresAt != null && newExpiresAt.isPresent();
        boolean setsDays = newDays != null && newDays.isPresent();
        Instant patchedExpiresAt = newExpiresAt != null ? newExpiresAt.orElse(null) : setsDays ? null : expiresAt;
        Integer patchedDays = newDays != null ? newDays.orElse(null) : setsExpiresAt ? null : days;
        return new MembershipTerms(patchedExpiresAt, patchedDays);
    }

    /**
     * What is wrong with these terms as set at {@code now}, by the field to name: the end date must be in the future
     * and at most {@value #MAX_DAYS} days ahead, the days 1 to {@value #MAX_DAYS}. (Both at once is a request's
     * problem of two fields; the API refuses it before.)
     */
    public Optional<Problem> problemAt(Instant now) {
        if (expiresAt != null && days != null) {
            return Optional.of(new Problem(EXPIRES_AT_FIELD, "give membershipExpiresAt or membershipDays, not both"));
        }
        if (expiresAt != null && (!expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(Duration.ofDays(MAX_DAYS))))) {
            return Optional.of(new Problem(EXPIRES_AT_FIELD,
                    "must be in the future and at most " + MAX_DAYS + " days (10 years) ahead"));
        }
        if (days != null && (days < 1 || days > MAX_DAYS)) {
            return Optional.of(new Problem(DAYS_FIELD, "must be 1 to " + MAX_DAYS));
        }
        return Optional.empty();
    }
}
