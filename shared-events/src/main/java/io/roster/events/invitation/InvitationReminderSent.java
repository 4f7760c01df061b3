package io.roster.events.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A pending invitation is about to expire and its invitee is reminded (issue 17 item 6), at most once per sent link:
 * a resend (new token, new expiry) allows one more. Recorded by the invitation itself, with nobody asking, so
 * {@code actorId} is null. {@code token} is the same sealed token as the last InvitationIssued or InvitationResent
 * carried (the link is not rotated: the reminder's link is the one the invitee already has); {@code expiresAt} is the
 * invitation's expiry when the reminder was recorded.
 */
@Revision(1)
public record InvitationReminderSent(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email,
        Instant expiresAt,
        EncryptedSecret token) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
