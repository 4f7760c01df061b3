package io.roster.events.invitation;

import io.roster.events.EmailAddress;

import java.util.List;

/**
 * Who an invitation link admits, as its {@code emails} field means it (InvitationLinkCreated / InvitationLinkUpdated):
 * no entries = anyone; {@code *@domain} = any address at that domain; otherwise exactly those addresses. Part of the
 * contract, so that every service that reads the field decides alike. Addresses and patterns are compared as given:
 * callers normalize both ({@link EmailAddress#normalize}, {@link #normalize}).
 */
public final class LinkAudience {

    private static final String ANY_AT = "*@";

    private LinkAudience() {
    }

    public static boolean admits(List<String> patterns, String normalizedEmail) {
        if (patterns.isEmpty()) {
            return true;
        }
        if (normalizedEmail == null) {
            return false;
        }
        return patterns.stream().anyMatch(p -> p.startsWith(ANY_AT)
                ? normalizedEmail.endsWith(p.substring(1))
                : p.equals(normalizedEmail));
    }

    /** A pattern as links keep it: an address normalized as {@link EmailAddress} does, or {@code *@} and a domain. */
    public static String normalize(String pattern) {
        if (pattern == null) {
            return null;
        }
        String text = pattern.strip();
        return text.startsWith(ANY_AT) ? ANY_AT + EmailAddress.normalizeDomain(text.substring(ANY_AT.length()))
                : EmailAddress.normalize(text);
    }

    /** Whether a pattern is a valid address or {@code *@} and a valid domain (after normalizing). */
    public static boolean isValid(String pattern) {
        String normalized = normalize(pattern);
        if (normalized != null && normalized.startsWith(ANY_AT)) {
            return EmailAddress.isValidDomain(normalized.substring(ANY_AT.length()));
        }
        return EmailAddress.isValid(normalized);
    }

    public static boolean isDomainPattern(String pattern) {
        return pattern != null && pattern.startsWith(ANY_AT);
    }
}
