package io.roster.events.invitation;

import io.roster.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Someone joined through a link; used counts the joins so far, including this one. */
@Revision(1)
public record InvitationLinkUsed(
        UUID eventId,
        Instant occurredAt,
        UUID organizationId,
        UUID actorId,
        UUID linkId,
        UUID userId,
        String email,
        List<String> roles,
        List<UUID> teamIds,
        int used) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
