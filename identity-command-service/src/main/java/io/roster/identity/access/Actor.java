package io.roster.identity.access;

import io.roster.kit.security.RosterPrincipal;

import java.util.UUID;

/**
 * Who sends a command, as the rules need it: the user, and whether they are a provider admin (which lets
 * them manage every organization). Organization roles are not here: the organization itself knows them.
 */
public record Actor(UUID userId, boolean providerAdmin) {

    public static Actor of(RosterPrincipal principal) {
        return new Actor(principal.userId(), principal.isProviderAdmin());
    }
}
