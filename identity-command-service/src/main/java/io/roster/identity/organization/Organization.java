package io.roster.identity.organization;

import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** An organization and the facts its rules need: who is a member, with which roles. */
@Aggregate
class Organization {

    static final String ADMIN = "admin";

    @AggregateIdentifier
    private UUID organizationId;

    Organization() {
        // for Axon
    }

    @CommandHandler
    Organization(CreateOrganizationCommand command, Clock clock) {
        apply(new OrganizationCreated(UUID.randomUUID(), clock.instant(), command.organizationId(),
                command.creatorId(), command.name().strip()));
        apply(new MemberAdded(UUID.randomUUID(), clock.instant(), command.organizationId(), command.creatorId(),
                command.creatorId(), List.of(ADMIN), List.of(), JoinPath.DIRECT, null));
    }

    @EventSourcingHandler
    void on(OrganizationCreated event) {
        this.organizationId = event.organizationId();
    }
}
