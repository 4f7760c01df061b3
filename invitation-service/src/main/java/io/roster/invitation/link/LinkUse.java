package io.roster.invitation.link;

import io.roster.events.ProblemCode;

import java.time.Instant;
import java.util.UUID;

/**
 * What a use of a link did; a refusal recorded as InvitationAcceptRejected is answered as {@code rejectedCode}.
 * {@code membershipExpiresAt} is the end of the membership the join gave (as InvitationLinkUsed carries it), or null.
 */
record LinkUse(UUID organizationId, ProblemCode rejectedCode, Instant membershipExpiresAt) {

    LinkUse(UUID organizationId, ProblemCode rejectedCode) {
        this(organizationId, rejectedCode, null);
    }

    boolean rejected() {
        return rejectedCode != null;
    }
}
