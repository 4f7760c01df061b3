package io.roster.identity.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Several {@link AcceptInvitationMembershipCommand}s of one organization at once, in order, each under its own
 * rules: one load and one append for the lot (a crowd joining through one link arrives in batches). The answer is
 * an {@link Outcome} per join, in the same order; a join the rules refuse does not stop the others.
 */
public record AcceptInvitationMembershipsCommand(@TargetAggregateIdentifier UUID organizationId, List<Join> joins) {

    public AcceptInvitationMembershipsCommand {
        if (joins.stream().anyMatch(join -> !join.command().organizationId().equals(organizationId))) {
            throw new IllegalArgumentException("Every join must be into organization " + organizationId);
        }
        joins = List.copyOf(joins);
    }

    /**
     * One join, and the metadata its event carries instead of the command's: each join has its own cause (the
     * invitation service's event) and trace.
     */
    public record Join(AcceptInvitationMembershipCommand command, Map<String, String> eventMetaData) {
    }

    /**
     * @param added        false: already a member, or refused
     * @param refusal      the code of the rule that refused it, or null (a plain answer, not the exception, so the
     *                     outcome stays a value that any command bus can carry)
     * @param refusalDetail the rule's message, or null
     */
    public record Outcome(boolean added, String refusal, String refusalDetail) {
    }
}
