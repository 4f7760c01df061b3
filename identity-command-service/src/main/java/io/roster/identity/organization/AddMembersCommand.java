package io.roster.identity.organization;

import io.roster.events.ProblemCode;
import io.roster.kit.web.RuleViolation;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Several {@link AddMemberCommand}s of one organization, from as many requests, at once ({@link MemberAdditions}'
 * group commit): each judged by its own rules and its own admin, in order, with one load and one append for the lot.
 * The answer is an {@link Outcome} per command, in the same order; a refused one does not stop the others.
 */
public record AddMembersCommand(@TargetAggregateIdentifier UUID organizationId, List<Addition> additions) {

    public AddMembersCommand {
        if (additions.stream().anyMatch(addition -> !addition.command().organizationId().equals(organizationId))) {
            throw new IllegalArgumentException("Every addition must be into organization " + organizationId);
        }
        additions = List.copyOf(additions);
    }

    /** One request's addition, and the metadata its event carries instead of the command's: the request's own trace. */
    public record Addition(AddMemberCommand command, Map<String, String> eventMetaData) {
    }

    /**
     * Added, or refused by a rule: its code, message and the request field it names (a plain answer, not the exception,
     * so that it stays a value any command bus can carry).
     */
    public record Outcome(String refusal, String refusalDetail, String refusalField) {

        static final Outcome ADDED = new Outcome(null, null, null);

        static Outcome refused(RuleViolation violation) {
            return new Outcome(violation.code(), violation.getMessage(), violation.field());
        }

        /** Nothing, when added; else the refusal, as the command alone would have thrown it. */
        public void throwIfRefused() {
            if (refusal == null) {
                return;
            }
            ProblemCode code = ProblemCode.of(refusal).orElseThrow(() -> new IllegalStateException("Unknown refusal " + refusal));
            throw refusalField != null ? RuleViolation.invalidField(refusalField, refusalDetail) : new RuleViolation(code, refusalDetail);
        }
    }
}
