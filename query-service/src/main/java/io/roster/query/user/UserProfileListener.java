package io.roster.query.user;

/**
 * Told after a user's profile changed in {@code users-v1}, so read models that copy it (member rows)
 * follow. Called again when an event is redelivered: implementations must be idempotent.
 */
public interface UserProfileListener {
    void profileChanged(UserProfile profile);
}
