package io.roster.query.organization;

import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * Who may read an organization's lists: its members, and provider admins. Everyone else gets the same
 * 404 as for an organization that does not exist, so ids cannot be probed.
 */
@Component
public class OrganizationAccess {

    private final OrganizationProjection organizations;
    private final MembershipProjection memberships;

    OrganizationAccess(OrganizationProjection organizations, MembershipProjection memberships) {
        this.organizations = organizations;
        this.memberships = memberships;
    }

    /** Blocking (MongoDB): call it off the event loop. */
    public void requireReader(RosterPrincipal caller, UUID organizationId) {
        boolean readable = caller.isProviderAdmin()
                ? organizations.find(organizationId).isPresent()
                : memberships.isMember(organizationId, caller.userId());
        if (!readable) {
            throw ApiProblem.notFound("No organization " + organizationId + " that you belong to.");
        }
    }

    /** Invitations and delivery details are for the organization's admins and provider admins. Blocking. */
    public void requireAdmin(RosterPrincipal caller, UUID organizationId) {
        requireReader(caller, organizationId);
        if (!caller.isProviderAdmin() && !memberships.isAdmin(organizationId, caller.userId())) {
            throw ApiProblem.forbidden("Only the organization's admins and provider admins may read this.");
        }
    }
}
