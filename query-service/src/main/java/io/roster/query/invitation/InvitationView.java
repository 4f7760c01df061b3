package io.roster.query.invitation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A personal invitation as admins see it; {@code lastSentAt} comes from the notification service's NotificationSent.
 * {@code membershipExpiresAt} or {@code membershipDays}: how long the invitee's membership will last (both null: no end).
 */
public record InvitationView(UUID invitationId, String email, List<String> roles, List<UUID> teamIds, String status,
                             UUID invitedBy, Instant createdAt, Instant expiresAt, int resendCount, Instant lastSentAt,
                             Instant membershipExpiresAt, Integer membershipDays) {
}
