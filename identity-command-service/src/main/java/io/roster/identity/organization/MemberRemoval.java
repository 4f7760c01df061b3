package io.roster.identity.organization;

import java.util.List;
import java.util.UUID;

/** What a {@link RemoveMembersCommand} did: who was removed, and who was not a member to begin with. */
public record MemberRemoval(List<UUID> removed, List<UUID> notMembers) {
}
