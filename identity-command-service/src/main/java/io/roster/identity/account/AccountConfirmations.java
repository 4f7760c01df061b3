package io.roster.identity.account;

import io.roster.events.identity.UserRegistered;
import io.roster.kit.command.Commands;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.UUID;

/**
 * Confirms the account of every registered user, as a {@linkplain RepairedLookup repaired lookup}. A registration
 * claims the address (a pending account) before its {@link RegisterUserCommand} and confirms it once the command
 * succeeded; a process killed between the two left the user registered with an account that could not log in, whose
 * address another registration could take after {@link Accounts#STALE_CLAIM}. The repair processor confirms it from the
 * stored {@code UserRegistered} once the service runs again. Confirming only ever turns a pending account active.
 */
class AccountConfirmations {

    static final String PROCESSING_GROUP = "account-confirmations-v1";
    static final String REPAIR_GROUP = "account-confirmations-repair-v1";

    /** One instance, so that a repair batch's confirmations are one write. */
    private final Commands.LookupWriter<UUID> confirm;

    AccountConfirmations(Accounts accounts) {
        this.confirm = accounts::confirm;
    }

    @EventHandler
    void on(UserRegistered event) {
        Commands.afterCommand(confirm, event.userId());
    }

    /** The live and the repair processor, each with its own instance. */
    @Configuration
    static class Processors {

        @Bean
        ConfigurerModule accountConfirmationProcessors(Accounts accounts) {
            return RepairedLookup.processors(PROCESSING_GROUP, new AccountConfirmations(accounts),
                    REPAIR_GROUP, new AccountConfirmations(accounts));
        }
    }
}
