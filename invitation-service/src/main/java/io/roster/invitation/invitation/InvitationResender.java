package io.roster.invitation.invitation;

import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationValidity;
import io.roster.invitation.token.InvitationTokens;
import io.roster.kit.command.Commands;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Sends a personal invitation again, for one admin's resend or many: a new token (the old link stops working) and a
 * new expiry. A pending or expired invitation may be resent; an accepted or revoked one may not, nor one whose address
 * has meanwhile another pending invitation to the organization. Call it inside the request's
 * {@link Commands#run}, after the caller proved to administer the organization.
 */
@Component
class InvitationResender {

    private final Commands commands;
    private final InvitationLookup lookup;
    private final AddressClaims claims;
    private final InvitationTokens tokens;
    private final Clock clock;

    InvitationResender(Commands commands, InvitationLookup lookup, AddressClaims claims, InvitationTokens tokens, Clock clock) {
        this.commands = commands;
        this.lookup = lookup;
        this.claims = claims;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** What a resend gave the invitation. */
    record Resent(UUID invitationId, String email, Instant expiresAt) {
    }

    /** @throws ApiProblem or RuleViolation when this invitation cannot be resent (its code says why) */
    Resent resend(UUID organizationId, UUID invitationId, UUID actorId) {
        InvitationLookup.Entry entry = lookup.byId(invitationId)
                .filter(e -> e.organizationId().equals(organizationId))
                .orElseThrow(() -> ApiProblem.notFound("No invitation " + invitationId + " in this organization."));
        // an expired invitation may be sent again; a used or revoked one may not
        InvitationValidity standing = InvitationValidity.ofInvitation(entry.status(), null, clock.instant());
        if (standing == InvitationValidity.USED || standing == InvitationValidity.REVOKED) {
            throw new RuleViolation(standing.code().orElseThrow(), standing.detail());
        }
        if (!claims.claim(organizationId, entry.email(), invitationId)) {
            throw new RuleViolation(ProblemCode.ALREADY_INVITED, entry.email() + " has another pending invitation to the organization.");
        }
        try {
            InvitationTokens.NewToken token = tokens.next();
            ResendOutcome resent = commands.sendAndWait(new ResendInvitationCommand(invitationId, organizationId, actorId,
                    token.hash(), token.sealed()));
            return new Resent(invitationId, entry.email(), resent.expiresAt());
        } catch (RuntimeException e) {
            if (!InvitationStatus.PENDING.json().equals(entry.status())) {
                claims.release(organizationId, entry.email(), invitationId);
            }
            throw e;
        }
    }
}
