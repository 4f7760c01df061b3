package io.roster.query;

import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Identity events as the command side would write them, each numbered with the next sequence number of
 * its aggregate, so tests read like the history they stand for.
 */
public final class EventLog {

    private final Map<UUID, Long> nextSequence = new HashMap<>();
    private final UUID actor = UUID.randomUUID();

    /** The event with its aggregate's next sequence number. */
    public EventEnvelope next(RosterEvent event) {
        long sequence = nextSequence.merge(event.aggregateId(), 1L, Long::sum) - 1;
        return EventEnvelope.of(event, sequence);
    }

    public EventEnvelope organizationCreated(UUID organizationId, String name) {
        return next(new OrganizationCreated(UUID.randomUUID(), Instant.now(), organizationId, actor, name));
    }

    public EventEnvelope userRegistered(UUID userId, String email, String firstName, String lastName) {
        return next(new UserRegistered(UUID.randomUUID(), Instant.now(), null, actor, userId, email, firstName, lastName,
                RegistrationSource.ADMIN, false));
    }

    public EventEnvelope profileUpdated(UUID userId, String firstName, String lastName) {
        return next(new UserProfileUpdated(UUID.randomUUID(), Instant.now(), null, actor, userId, firstName, lastName));
    }

    public EventEnvelope userDeleted(UUID userId, String email) {
        return next(new UserDeleted(UUID.randomUUID(), Instant.now(), null, actor, userId, email));
    }

    public EventEnvelope memberAdded(UUID organizationId, UUID userId, List<String> roles, UUID... teamIds) {
        return next(new MemberAdded(UUID.randomUUID(), Instant.now(), organizationId, actor, userId, roles,
                List.of(teamIds), JoinPath.DIRECT, null));
    }

    public EventEnvelope memberAddedUntil(UUID organizationId, UUID userId, Instant expiresAt, List<String> roles, UUID... teamIds) {
        return next(new MemberAdded(UUID.randomUUID(), Instant.now(), organizationId, actor, userId, roles,
                List.of(teamIds), JoinPath.DIRECT, null, expiresAt));
    }

    public EventEnvelope expiryChanged(UUID organizationId, UUID userId, Instant expiresAt, Instant previous) {
        return next(new MembershipExpiryChanged(UUID.randomUUID(), Instant.now(), organizationId, actor, userId, expiresAt, previous));
    }

    public EventEnvelope memberExpired(UUID organizationId, UUID userId, Instant expiresAt) {
        return next(new MemberExpired(UUID.randomUUID(), Instant.now(), organizationId, null, userId, expiresAt));
    }

    public EventEnvelope rolesChanged(UUID organizationId, UUID userId, List<String> roles) {
        return next(new MemberRolesChanged(UUID.randomUUID(), Instant.now(), organizationId, actor, userId, roles));
    }

    public EventEnvelope teamsChanged(UUID organizationId, UUID userId, UUID... teamIds) {
        return next(new MemberTeamsChanged(UUID.randomUUID(), Instant.now(), organizationId, actor, userId, List.of(teamIds)));
    }

    public EventEnvelope memberRemoved(UUID organizationId, UUID userId) {
        return next(new MemberRemoved(UUID.randomUUID(), Instant.now(), organizationId, actor, userId, actor,
                RemovalReason.REMOVED, null));
    }

    public EventEnvelope teamCreated(UUID organizationId, UUID teamId, String name) {
        return next(new TeamCreated(UUID.randomUUID(), Instant.now(), organizationId, actor, teamId, name, name + " team"));
    }

    public EventEnvelope teamRenamed(UUID organizationId, UUID teamId, String name) {
        return next(new TeamRenamed(UUID.randomUUID(), Instant.now(), organizationId, actor, teamId, name, name + " team"));
    }

    public EventEnvelope teamDeleted(UUID organizationId, UUID teamId) {
        return next(new TeamDeleted(UUID.randomUUID(), Instant.now(), organizationId, actor, teamId));
    }
}
