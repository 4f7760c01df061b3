package io.roster.invitation.directory;

import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.springframework.stereotype.Component;

import java.util.UUID;

/** Only a provider admin or an admin of the organization invites and manages invitations (PRODUCT.md §3). */
@Component
public class OrganizationAccess {

    private final IdentityDirectory directory;

    OrganizationAccess(IdentityDirectory directory) {
        this.directory = directory;
    }

    /** @throws ApiProblem 403 for anyone else, 404 when the organization is unknown */
    public void requireManager(UUID organizationId, RosterPrincipal caller) {
        if (!caller.isProviderAdmin() && !directory.isAdmin(organizationId, caller.userId())) {
            throw ApiProblem.forbidden("Only an admin of the organization or a provider admin may manage its invitations.");
        }
        if (directory.organizationName(organizationId).isEmpty()) {
            throw ApiProblem.notFound("No organization " + organizationId + ".");
        }
    }
}
