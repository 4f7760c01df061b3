package io.roster.kit.access;

import io.roster.events.ProblemCode;
import io.roster.events.identity.OrganizationAccessRule;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.UUID;

/**
 * Who may act on an organization, the same in every service ({@link OrganizationAccessRule}): someone who does not
 * belong to it gets 404 {@code not_found}, as for an organization that does not exist, so ids cannot be probed; a
 * member lacking the admin role gets 403 {@code forbidden} for an admin action; provider admins may act everywhere.
 * Call it before anything is looked up for the request.
 */
public class OrganizationAccess {

    private final MembershipLookup memberships;

    public OrganizationAccess(MembershipLookup memberships) {
        this.memberships = memberships;
    }

    /** Reading the organization's lists. Blocking (MongoDB): call it off the event loop. */
    public void requireMember(RosterPrincipal caller, UUID organizationId) {
        require(OrganizationAccessRule.Need.MEMBER, caller, organizationId);
    }

    /** Managing the organization. Blocking (MongoDB): call it off the event loop. */
    public void requireAdmin(RosterPrincipal caller, UUID organizationId) {
        require(OrganizationAccessRule.Need.ADMIN, caller, organizationId);
    }

    /** The current caller, once they are known to administer the organization; on a blocking-capable scheduler. */
    public Mono<RosterPrincipal> admin(UUID organizationId) {
        return CurrentCaller.get().publishOn(Schedulers.boundedElastic()).map(caller -> {
            requireAdmin(caller, organizationId);
            return caller;
        });
    }

    /** The current caller, once they are known to belong to the organization; on a blocking-capable scheduler. */
    public Mono<RosterPrincipal> member(UUID organizationId) {
        return CurrentCaller.get().publishOn(Schedulers.boundedElastic()).map(caller -> {
            requireMember(caller, organizationId);
            return caller;
        });
    }

    private void require(OrganizationAccessRule.Need need, RosterPrincipal caller, UUID organizationId) {
        ProblemCode refusal = OrganizationAccessRule.refusal(need, caller.isProviderAdmin(),
                caller.isProviderAdmin() ? null : memberships.roles(organizationId, caller.userId()).orElse(null),
                () -> memberships.organizationExists(organizationId)).orElse(null);
        if (refusal == ProblemCode.NOT_FOUND) {
            // this service learns of organizations and members from identity's events, a moment after they happen
            throw ApiProblem.notFound("No organization " + organizationId + " that you belong to. If it was created, or you "
                    + "were added, a moment ago, it may still be on its way here: send the Consistency-Token of that command, "
                    + "or try again shortly.");
        }
        if (refusal != null) {
            throw ApiProblem.forbidden("Only the organization's admins and provider admins may do this.");
        }
    }
}
