package io.roster.invitation.web;

import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationValidity;
import io.roster.invitation.invitation.InvitationAcceptance;
import org.springframework.http.HttpStatus;

import java.time.Instant;
import java.util.Map;

/**
 * Why an invitation cannot be used, as a page says it: the API's code and HTTP status (PRODUCT.md §2), a title
 * and what the visitor can do about it.
 */
record PageProblem(HttpStatus status, String code, String title, String advice) {

    static final String MISSING = ProblemCode.INVITATION_MISSING.code();

    private static final Map<String, String[]> TEXTS = Map.ofEntries(
            Map.entry("invitation_not_found", new String[] {"This invitation link is not valid",
                    "Check that you opened the whole link from your email. If the invitation was sent again, only the newest link works."}),
            Map.entry("invitation_expired", new String[] {"This invitation has expired",
                    "Ask an admin of the organization to send you a new one."}),
            Map.entry("invitation_revoked", new String[] {"This invitation was withdrawn",
                    "Ask an admin of the organization if you should still join."}),
            Map.entry("invitation_disabled", new String[] {"This invitation link is switched off",
                    "Ask an admin of the organization for a working link."}),
            Map.entry("invitation_used", new String[] {"This invitation was already used",
                    "If you accepted it yourself, you are a member already: log in to the product."}),
            Map.entry("membership_expired", new String[] {"The membership this invitation offers has ended",
                    "It was to end on a date that has passed. Ask an admin of the organization for a new invitation."}),
            Map.entry("quota_exhausted", new String[] {"This invitation link is used up",
                    "It has been used as often as it allows. Ask an admin of the organization for another one."}),
            Map.entry("email_mismatch", new String[] {"This invitation is for another address",
                    "Log out, then log in or sign up with the address the invitation was sent to."}),
            Map.entry("email_not_verified", new String[] {"Verify your email address first",
                    "Open the verification link we emailed you, then open this invitation again."}),
            Map.entry("already_member", new String[] {"You are already a member",
                    "Nothing to do: you belong to this organization already."}),
            Map.entry(MISSING, new String[] {"Open your invitation link again",
                    "We keep an invitation for 30 minutes while you log in or sign up, and that time has passed (or this browser never opened it)."}));

    static PageProblem of(String code) {
        String[] texts = TEXTS.getOrDefault(code, new String[] {"This invitation cannot be used",
                "Ask an admin of the organization for help."});
        HttpStatus status = HttpStatus.valueOf(ProblemCode.of(code).orElse(ProblemCode.CONFLICT).status());
        return new PageProblem(status, code, texts[0], texts[1]);
    }

    /** @return the problem of a previewed invitation that cannot be accepted, or null when it can */
    static PageProblem ofStatus(String status) {
        return InvitationValidity.ofStatus(status).code().map(code -> of(code.code())).orElse(null);
    }

    /**
     * @return the problem of a previewed invitation that cannot be accepted at {@code now}, its status's or a membership
     * that would already be over ({@code membership_expired}), or null when it can
     */
    static PageProblem ofPreview(InvitationAcceptance.Preview preview, Instant now) {
        PageProblem problem = ofStatus(preview.status());
        if (problem == null && preview.membershipExpiresAt() != null && !preview.membershipExpiresAt().isAfter(now)) {
            return of(ProblemCode.MEMBERSHIP_EXPIRED.code());
        }
        return problem;
    }
}
