package io.roster.invitation.invitation;

import io.roster.events.ProblemCode;

import java.util.UUID;

/**
 * What an accept did. A refusal that must leave an event behind (a mismatching address) cannot be an
 * exception, which would roll the event back: it is answered as {@code rejectedCode}.
 */
record AcceptOutcome(UUID organizationId, ProblemCode rejectedCode) {

    static AcceptOutcome accepted(UUID organizationId) {
        return new AcceptOutcome(organizationId, null);
    }

    boolean rejected() {
        return rejectedCode != null;
    }
}
