package io.roster.invitation.invitation;

import org.axonframework.commandhandling.gateway.CommandGateway;
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
 * InvitationExpired through and the other command is refused.
 */
@Component
class InvitationExpiry {

    private static final Logger log = LoggerFactory.getLogger(InvitationExpiry.class);
    private static final int BATCH = 200;

    private final InvitationLookup lookup;
    private final CommandGateway gateway;
    private final Clock clock;

    InvitationExpiry(InvitationLookup lookup, CommandGateway gateway, Clock clock) {
        this.lookup = lookup;
        this.gateway = gateway;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${roster.invitation.expiry-interval:PT5S}",
            fixedDelayString = "${roster.invitation.expiry-interval:PT5S}")
    void expireDue() {
        for (UUID invitationId : lookup.due(clock.instant(), BATCH)) {
            try {
                gateway.sendAndWait(new ExpireInvitationCommand(invitationId));
            } catch (RuntimeException e) {
                // another instance expired it first, or it was accepted, revoked or resent meanwhile
                log.debug("Invitation {} not expired: {}", invitationId, e.getMessage());
            }
        }
    }
}
