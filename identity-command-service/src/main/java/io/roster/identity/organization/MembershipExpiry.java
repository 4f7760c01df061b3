package io.roster.identity.organization;

import io.roster.identity.membership.MembershipExpiries;
import io.roster.kit.command.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * A membership's end as an event, with nobody asking: every {@code roster.membership.expiry-interval} (5 s) the
 * memberships past their end date get an {@link ExpireMembershipCommand}. The due list lives in MongoDB, so a restart
 * loses nothing; when two instances race, the organization's lock and its "still a member and still due" guard let
 * exactly one MemberExpired through, and a member removed or given a later end date meanwhile gets none.
 */
@Component
public class MembershipExpiry {

    private static final Logger log = LoggerFactory.getLogger(MembershipExpiry.class);
    private static final int BATCH = 200;

    private final MembershipExpiries expiries;
    private final Commands commands;
    private final Clock clock;

    MembershipExpiry(MembershipExpiries expiries, Commands commands, Clock clock) {
        this.expiries = expiries;
        this.commands = commands;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${roster.membership.expiry-interval:PT5S}",
            fixedDelayString = "${roster.membership.expiry-interval:PT5S}")
    public void expireDue() {
        for (MembershipExpiries.Due due : expiries.due(clock.instant(), BATCH)) {
            try {
                Boolean expired = commands.sendAndWait(new ExpireMembershipCommand(due.organizationId(), due.userId()));
                if (!Boolean.TRUE.equals(expired)) {
                    log.debug("Membership of {} in {} not expired: no longer due", due.userId(), due.organizationId());
                }
            } catch (RuntimeException e) {
                log.warn("Membership of {} in {} not expired this time: {}", due.userId(), due.organizationId(), e.getMessage());
            }
        }
    }

    /** The identity service's only scheduled work. */
    @Configuration
    @EnableScheduling
    static class Scheduling {
    }
}
