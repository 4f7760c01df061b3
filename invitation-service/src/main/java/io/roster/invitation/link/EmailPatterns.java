package io.roster.invitation.link;

import io.roster.invitation.invitation.EmailAddresses;

import java.util.List;

/** A link's audience patterns: their form and their preview hint (who they admit: {@link io.roster.events.invitation.LinkAudience}). */
final class EmailPatterns {

    private EmailPatterns() {
    }

    static String normalize(String pattern) {
        return EmailAddresses.normalize(pattern);
    }

    static boolean isValid(String normalized) {
        if (normalized != null && normalized.startsWith("*@")) {
            return EmailAddresses.isValid("x" + normalized.substring(1));
        }
        return EmailAddresses.isValid(normalized);
    }

    /** How the preview shows the audience without giving addresses away. */
    static String hint(List<String> patterns) {
        if (patterns.isEmpty()) {
            return null;
        }
        return String.join(", ", patterns.stream().map(p -> p.startsWith("*@") ? p : EmailAddresses.mask(p)).toList());
    }
}
