package io.roster.notification.directory;

import java.util.UUID;

/** What the notification service knows of a user: where to write to and how to greet them. */
public record UserFacts(UUID userId, String email, String firstName, String lastName, boolean deleted) {

    public String fullName() {
        String name = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
        return name.isEmpty() ? null : name;
    }
}
