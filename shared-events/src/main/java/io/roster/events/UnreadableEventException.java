package io.roster.events;

/** A record that is not a readable Roster event: it goes to a dead letter topic, never silently away. */
public class UnreadableEventException extends RuntimeException {
    public UnreadableEventException(String message) {
        super(message);
    }

    public UnreadableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
