package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An invitation link's settings are now these. */
@Revision(1)
public record InvitationLinkUpdated(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID linkId,
        String name,
        String description,
        List<String> emails,
        Instant expiresAt,
        Integer quota,
        List<String> roles,
        List<UUID> teamIds) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
