package io.roster.query.user;

import java.util.List;

/**
 * Told after a user's profile changed in {@code users}, so read models that copy it (member rows)
 * follow. Called again when an event is redelivered: implementations must be idempotent.
 */
public interface UserProfileListener {

    /** @param memberRowIds the member rows showing the user, as {@link UserStore#attachMemberRow} recorded them */
    void profileChanged(UserProfile profile, List<String> memberRowIds);
}
