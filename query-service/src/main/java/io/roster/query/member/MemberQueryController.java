package io.roster.query.member;

import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.query.audit.AuditLog;
import io.roster.query.consistency.ConsistencyGate;
import io.roster.query.web.QueryParameters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * The member list of an organization, filtered and paged, for its members and provider admins; with
 * {@code ?asOf=} the members at that past instant ({@link MembershipAsOf}).
 */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
class MemberQueryController {

    private final MemberQuery members;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;
    private final MembershipAsOf membershipAsOf;

    MemberQueryController(MemberQuery members, OrganizationAccess access, ConsistencyGate consistency, AuditLog audit) {
        this.members = members;
        this.access = access;
        this.consistency = consistency;
        this.membershipAsOf = new MembershipAsOf(audit, access, consistency);
    }

    @GetMapping("/api/v1/organizations/{organizationId}/members")
    Mono<Page<MemberView>> list(@PathVariable UUID organizationId,
                                @RequestParam(required = false) String q,
                                @RequestParam(required = false) String role,
                                @RequestParam(required = false) String teamId,
                                @RequestParam(required = false) String status,
                                @RequestParam(required = false) String limit,
                                @RequestParam(required = false) String cursor,
                                @RequestParam(required = false) String asOf,
                                ServerWebExchange exchange) {
        if (asOf != null && !asOf.isBlank()) {
            return membershipAsOf.list(organizationId, asOf, q, role, teamId, status, limit, cursor, exchange);
        }
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        MemberFilter filter = MemberFilter.parse(organizationId, q, role, teamId, status, page, params);
        params.validate();
        return consistency.read(exchange, caller -> {
                    access.requireMember(caller, organizationId);
                    return Page.of(members.page(filter, page.fetchSize()), page, MemberRow::cursor).map(MemberRow::view);
                });
    }
}
