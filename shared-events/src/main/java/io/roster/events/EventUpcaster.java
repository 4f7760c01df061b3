package io.roster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the JSON of one revision of an event into the next revision. Readers apply the chain from a
 * record's revision up to the current one, so old records stay readable forever.
 */
public interface EventUpcaster {

    /** The context id and event name this upcaster reads. */
    String context();

    String eventName();

    /** The revision it reads; it produces {@code fromRevision() + 1}. */
    int fromRevision();

    ObjectNode upcast(ObjectNode event);
}
