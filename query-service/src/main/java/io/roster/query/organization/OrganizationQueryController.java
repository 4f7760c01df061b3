package io.roster.query.organization;

import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.query.consistency.ConsistencyGate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;

/** Organizations a reader may see: those they belong to; provider admins see all. */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationQueryController {

    private final OrganizationProjection organizations;
    private final MembershipProjection memberships;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;

    OrganizationQueryController(OrganizationProjection organizations, MembershipProjection memberships,
                                OrganizationAccess access, ConsistencyGate consistency) {
        this.organizations = organizations;
        this.memberships = memberships;
        this.access = access;
        this.consistency = consistency;
    }

    @GetMapping("/{organizationId}")
    Mono<OrganizationView> one(@PathVariable UUID organizationId, ServerWebExchange exchange) {
        return consistency.read(exchange, caller -> {
                    access.requireMember(caller, organizationId);
                    return organizations.find(organizationId)
                            .orElseThrow(() -> ApiProblem.notFound("No organization " + organizationId + "."));
                });
    }

    @GetMapping
    Mono<Page<OrganizationView>> mine(@RequestParam(required = false) String limit,
                                      @RequestParam(required = false) String cursor, ServerWebExchange exchange) {
        PageRequest page = PageRequest.of(limit, cursor);
        return consistency.read(exchange, caller -> Page.of(find(caller, page), page, OrganizationView::organizationId));
    }

    private List<OrganizationView> find(RosterPrincipal caller, PageRequest page) {
        if (caller.isProviderAdmin()) {
            return organizations.page(null, page.after(), page.fetchSize());
        }
        List<String> ids = memberships.organizationsOf(caller.userId(), page.after(), page.fetchSize());
        return organizations.page(ids, null, page.fetchSize());
    }
}
