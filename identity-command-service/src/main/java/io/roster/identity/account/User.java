package io.roster.identity.account;

import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.UserRegistered;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A user account: who the person is, independent of any organization. */
@Aggregate
class User {

    @AggregateIdentifier
    private UUID userId;

    User() {
        // for Axon
    }

    @CommandHandler
    User(RegisterUserCommand command, Clock clock) {
        apply(new UserRegistered(UUID.randomUUID(), clock.instant(), null, command.actorId(), command.userId(),
                Account.normalize(command.email()), command.firstName(), command.lastName(), command.source(),
                command.emailVerified()));
        if (!command.providerRoles().isEmpty()) {
            apply(new ProviderRolesChanged(UUID.randomUUID(), clock.instant(), null, command.actorId(),
                    command.userId(), command.providerRoles().stream().distinct().sorted().toList()));
        }
    }

    @EventSourcingHandler
    void on(UserRegistered event) {
        this.userId = event.userId();
    }
}
