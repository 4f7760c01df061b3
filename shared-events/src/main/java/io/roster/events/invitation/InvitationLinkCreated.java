package io.roster.events.invitation;

import io.roster.events.Revision;
import io.roster.events.EncryptedSecret;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A reusable invitation link exists. emails: empty = public, *@domain = that domain, else those addresses. */
@Revision(1)
public record InvitationLinkCreated(
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
        List<UUID> teamIds,
        String tokenHash,
        EncryptedSecret token) implements InvitationEvent {

    @Override
    public UUID aggregateId() {
        return linkId;
    }
}
