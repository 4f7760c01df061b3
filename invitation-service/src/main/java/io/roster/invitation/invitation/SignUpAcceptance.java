package io.roster.invitation.invitation;

import io.roster.events.ProblemCode;
import io.roster.kit.command.Commands;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Accepts a personal invitation for a user who signed up with its token: the same command and rules as
 * {@code POST /api/v1/invitations/{token}/accept}, started by the sign-up's event instead of a request.
 */
@Component
public class SignUpAcceptance {

    private final InvitationLookup lookup;
    private final Commands commands;

    SignUpAcceptance(InvitationLookup lookup, Commands commands) {
        this.lookup = lookup;
        this.commands = commands;
    }

    /**
     * @return empty when no personal invitation has this token hash (it may be a link's); else no refusal when accepted
     * (again by the same user: nothing changes) or the code of a refusal recorded as InvitationAcceptRejected
     */
    public Optional<Optional<String>> accept(String tokenHash, UUID userId, String email) {
        return lookup.byTokenHash(tokenHash).map(entry -> {
            AcceptOutcome outcome = commands.sendAndWait(new AcceptInvitationCommand(entry.invitationId(), tokenHash, userId, email));
            return Optional.ofNullable(outcome.rejectedCode()).map(ProblemCode::code);
        });
    }
}
