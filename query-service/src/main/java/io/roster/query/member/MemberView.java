package io.roster.query.member;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code GET /organizations/{id}/members}. A pending invitee has no userId or joinedAt yet;
 * a member has no invitedAt when they were added directly; {@code expiresAt} is when the membership ends by
 * itself (null: it does not).
 */
public record MemberView(UUID userId, String email, String firstName, String lastName, List<String> roles,
                         List<TeamRef> teams, MemberStatus status, Instant joinedAt, Instant invitedAt, Instant expiresAt) {
}
