package io.roster.query.link;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An invitation link as admins see it: its settings and how often it was used. Never its token.
 * {@code membershipExpiresAt} or {@code membershipDays}: how long memberships through it last (both null: no end).
 */
public record LinkView(UUID linkId, String name, String description, List<String> emails, Instant expiresAt,
                       Integer quota, int used, List<String> roles, List<UUID> teamIds, String status,
                       Instant membershipExpiresAt, Integer membershipDays) {
}
