package io.roster.events.invitation;

import java.util.List;

/**
 * Who an invitation link admits, as its {@code emails} field means it (InvitationLinkCreated / InvitationLinkUpdated):
 * no entries = anyone; {@code *@domain} = any address at that domain; otherwise exactly those addresses. Part of the
 * contract, so that every service that reads the field decides alike. Addresses and patterns are compared as given:
 * callers normalize both (trimmed, lower case).
 */
public final class LinkAudience {

    private LinkAudience() {
    }

    public static boolean admits(List<String> patterns, String normalizedEmail) {
        if (patterns.isEmpty()) {
            return true;
        }
        if (normalizedEmail == null) {
            return false;
        }
        return patterns.stream().anyMatch(p -> p.startsWith("*@")
                ? normalizedEmail.endsWith(p.substring(1))
                : p.equals(normalizedEmail));
    }
}
