package io.roster.invitation.link;

import io.roster.events.EmailAddress;
import io.roster.events.invitation.LinkAudience;

import java.util.List;

/** How a link's preview hints at its audience ({@link LinkAudience}) without giving addresses away. */
final class EmailPatterns {

    private EmailPatterns() {
    }

    static String hint(List<String> patterns) {
        if (patterns.isEmpty()) {
            return null;
        }
        return String.join(", ", patterns.stream().map(p -> LinkAudience.isDomainPattern(p) ? p : EmailAddress.mask(p)).toList());
    }
}
