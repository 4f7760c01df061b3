package io.roster.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.UUID;

/**
 * What every Roster event carries. Events are immutable records, named in the past tense, and each
 * carries a {@link Revision}. Once published, a record's name and the meaning of its fields never
 * change: a change is a new revision plus an {@link EventUpcaster}.
 */
public interface RosterEvent {

    UUID eventId();

    Instant occurredAt();

    /** The organization the event concerns, or null where none applies (a user's own account). */
    UUID organizationId();

    /** Who caused the event, or null when the system did. */
    UUID actorId();

    /** The aggregate whose stream holds the event; the Kafka record key, so its events stay in order. */
    @JsonIgnore
    UUID aggregateId();

    /** The CloudEvents subject: the organization, or the user where no organization applies. */
    @JsonIgnore
    default UUID subjectId() {
        return organizationId() != null ? organizationId() : aggregateId();
    }
}
