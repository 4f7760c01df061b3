package io.roster.query.member;

import io.roster.query.user.UserProfile;
import io.roster.query.user.UserProfileListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * A user's new profile onto each of their member rows, by the row ids the user's document lists. Rows
 * created before the user's events were applied get it here; rows created after copy it themselves on
 * MemberAdded.
 */
@Component
class MemberProfileSpreader implements UserProfileListener {

    private final MemberRows rows;

    MemberProfileSpreader(MemberRows rows) {
        this.rows = rows;
    }

    @Override
    public void profileChanged(UserProfile profile, List<String> memberRowIds) {
        rows.spreadProfile(profile, memberRowIds);
    }
}
