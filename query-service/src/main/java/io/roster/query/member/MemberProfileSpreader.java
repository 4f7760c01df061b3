package io.roster.query.member;

import io.roster.query.user.UserProfile;
import io.roster.query.user.UserProfileListener;
import org.springframework.stereotype.Component;

/**
 * A user's new profile onto each of their member rows. Rows created before the user's events were
 * applied get it here; rows created after copy it themselves on MemberAdded.
 */
@Component
class MemberProfileSpreader implements UserProfileListener {

    private final MemberRows rows;

    MemberProfileSpreader(MemberRows rows) {
        this.rows = rows;
    }

    @Override
    public void profileChanged(UserProfile profile) {
        rows.spreadProfile(profile);
    }
}
