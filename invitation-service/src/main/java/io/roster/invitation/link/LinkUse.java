package io.roster.invitation.link;

import io.roster.events.ProblemCode;

import java.util.UUID;

/** What a use of a link did; a refusal recorded as InvitationAcceptRejected is answered as {@code rejectedCode}. */
record LinkUse(UUID organizationId, ProblemCode rejectedCode) {
    boolean rejected() {
        return rejectedCode != null;
    }
}
