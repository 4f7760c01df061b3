package io.roster.invitation.invitation;

import java.time.Instant;

/** The new expiry of a resent invitation. */
record ResendOutcome(Instant expiresAt) {
}
