package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * The invitee declined a personal invitation with its link (no login: the token is the proof), so {@code actorId} is
 * null. The invitation can no longer be accepted; an admin may resend it, which makes it pending again.
 */
@Revision(1)
public record InvitationDeclined(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID invitationId,
        String email) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return invitationId;
    }
}
