package io.roster.invitation.terms;

import io.roster.events.invitation.MembershipTerms;
import io.roster.kit.web.ApiProblem;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The request fields {@code membershipExpiresAt} and {@code membershipDays} of invitations and links, checked before
 * a command is sent: one or the other, each answered {@code validation_failed} naming its field.
 */
public final class MembershipTermsFields {

    private MembershipTermsFields() {
    }

    /**
     * {@code membershipExpiresAt} (future, at most 10 years ahead) or {@code membershipDays} (1–3650), not both
     * (refused naming both fields); neither: a membership without end.
     */
    public static MembershipTerms terms(Instant membershipExpiresAt, Integer membershipDays, Instant now) {
        if (membershipExpiresAt != null && membershipDays != null) {
            String both = "give membershipExpiresAt or membershipDays, not both";
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem(MembershipTerms.EXPIRES_AT_FIELD, both),
                    new ApiProblem.FieldProblem(MembershipTerms.DAYS_FIELD, both)));
        }
        MembershipTerms terms = new MembershipTerms(membershipExpiresAt, membershipDays);
        terms.problemAt(now).ifPresent(problem -> {
            throw ApiProblem.invalidField(problem.field(), problem.message());
        });
        return terms;
    }

    /**
     * The same checks for a merge patch of the two fields (each null when left out, empty when sent as null): the
     * values sent must be valid and not both set. What they make of the current terms is the aggregate's to decide.
     */
    public static void checkPatch(Optional<Instant> membershipExpiresAt, Optional<Integer> membershipDays, Instant now) {
        terms(membershipExpiresAt == null ? null : membershipExpiresAt.orElse(null),
                membershipDays == null ? null : membershipDays.orElse(null), now);
    }
}
