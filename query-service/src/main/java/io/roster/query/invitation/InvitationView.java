package io.roster.query.invitation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A personal invitation as admins see it; {@code lastSentAt} comes from the notification service's NotificationSent. */
public record InvitationView(UUID invitationId, String email, List<String> roles, List<UUID> teamIds, String status,
                             UUID invitedBy, Instant createdAt, Instant expiresAt, int resendCount, Instant lastSentAt) {
}
