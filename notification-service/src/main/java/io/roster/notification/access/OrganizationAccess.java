package io.roster.notification.access;

import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.notification.directory.MembershipProjection;
import io.roster.notification.directory.OrganizationProjection;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;
import java.util.UUID;

/**
 * Only an organization's admins and provider admins manage its email settings and read its delivery
 * log. Organization roles come from the memberships projection of the identity events, never from a
 * call to another service. A caller who does not belong to the organization is told it does not exist
 * for them (404), a member who is not an admin is refused (403).
 */
@Component
public class OrganizationAccess {

    public static final String ADMIN = "admin";

    private final MembershipProjection memberships;
    private final OrganizationProjection organizations;

    OrganizationAccess(MembershipProjection memberships, OrganizationProjection organizations) {
        this.memberships = memberships;
        this.organizations = organizations;
    }

    /** The caller, once they are known to administer the organization; runs on a blocking-capable scheduler. */
    public Mono<RosterPrincipal> admin(UUID organizationId) {
        return CurrentCaller.get().publishOn(Schedulers.boundedElastic()).map(caller -> {
            check(caller, organizationId);
            return caller;
        });
    }

    void check(RosterPrincipal caller, UUID organizationId) {
        if (caller.isProviderAdmin()) {
            if (!organizations.exists(organizationId)) {
                throw ApiProblem.notFound("No organization " + organizationId + ".");
            }
            return;
        }
        List<String> roles = memberships.roles(organizationId, caller.userId())
                .orElseThrow(() -> ApiProblem.notFound("No organization " + organizationId + " that you belong to."));
        if (!roles.contains(ADMIN)) {
            throw ApiProblem.forbidden("Only admins of the organization may do this.");
        }
    }
}
