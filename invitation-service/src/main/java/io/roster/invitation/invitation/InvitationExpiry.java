package io.roster.invitation.invitation;

import io.roster.kit.command.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.UUID;

/**
 * Expiry as an event, with nobody asking: every few seconds the pending invitations past their expiry
 * get an {@link ExpireInvitationCommand}. The due list lives in MongoDB, so a restart loses nothing; when
 * two instances race, the aggregate's optimistic lock and its "still pending and due" guard let exactly one
 * InvitationExpired through: the command that lost the race is sent again ({@link Commands}) and then refused.
 */
@Component
class InvitationExpiry {

    private static final Logger log = LoggerFactory.getLogger(InvitationExpiry.class);
    private static final int BATCH = 200;

    private final InvitationLookup lookup;
    private final Commands commands;
    private final Clock clock;

    InvitationExpiry(InvitationLookup lookup, Commands commands, Clock clock) {
        this.lookup = lookup;
        this.commands = commands;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${roster.invitation.expiry-interval:PT5S}",
            fixedDelayString = "${roster.invitation.expiry-interval:PT5S}")
    void expireDue() {
        for (UUID invitationId : lookup.due(clock.instant(), BATCH)) {
            try {
                commands.sendAndWait(new ExpireInvitationCommand(invitationId));
            } catch (RuntimeException e) {
                // another instance expired it first, or it was accepted, revoked or resent meanwhile
                log.debug("Invitation {} not expired: {}", invitationId, e.getMessage());
            }
        }
    }
}
