package io.roster.invitation.link;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Several joins through one link at once, in order, each under the same rules as a {@link UseInvitationLinkCommand}
 * alone: one load and one append for the lot. The answer is a {@link LinkUse} per join, in the same order; a join
 * the rules refuse is answered with its code, and does not stop the others.
 */
record UseInvitationLinkForEachCommand(@TargetAggregateIdentifier UUID linkId, List<Use> uses) {

    /**
     * One join, and the metadata its events carry instead of the command's: each join has its own cause (the
     * sign-up's event) and trace.
     */
    record Use(UseInvitationLinkCommand command, Map<String, String> eventMetaData) {
    }
}
