package io.roster.invitation.invitation;

import io.roster.events.ProblemCode;

import java.time.Instant;
import java.util.UUID;

/**
 * What an accept did. A refusal that must leave an event behind (a mismatching address) cannot be an
 * exception, which would roll the event back: it is answered as {@code rejectedCode}. {@code membershipExpiresAt} is
 * the end of the membership the join gave (as InvitationAccepted carries it), or null for none.
 */
record AcceptOutcome(UUID organizationId, ProblemCode rejectedCode, Instant membershipExpiresAt) {

    AcceptOutcome(UUID organizationId, ProblemCode rejectedCode) {
        this(organizationId, rejectedCode, null);
    }

    static AcceptOutcome accepted(UUID organizationId, Instant membershipExpiresAt) {
        return new AcceptOutcome(organizationId, null, membershipExpiresAt);
    }

    boolean rejected() {
        return rejectedCode != null;
    }
}
