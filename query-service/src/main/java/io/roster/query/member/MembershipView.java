package io.roster.query.member;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One item of {@code GET /users/{id}/memberships}: an organization the user belongs to, and how. */
public record MembershipView(UUID organizationId, String organizationName, List<String> roles, List<TeamRef> teams,
                             Instant joinedAt) {
}
