package io.roster.identity.organization;

import io.roster.events.identity.RemovalReason;
import io.roster.identity.access.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/**
 * Ends the memberships of these users, all or none: when a rule refuses one, nothing changes. Answers a
 * {@link MemberRemoval}. With {@code dryRun} the rules are checked and nothing is removed.
 */
public record RemoveMembersCommand(@TargetAggregateIdentifier UUID organizationId, List<UUID> userIds,
                                   RemovalReason reason, UUID batchId, boolean dryRun, Actor actor) {
}
