package io.roster.query.member;

import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.query.consistency.ConsistencyGate;
import io.roster.query.organization.OrganizationProjection;
import io.roster.query.web.QueryParameters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.UUID;

/**
 * The organizations a user belongs to, read from their member rows. A user reads their own; provider
 * admins read anyone's; anyone else gets 404, as if the user did not exist.
 */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
class UserMembershipsController {

    private final MemberQuery members;
    private final OrganizationProjection organizations;
    private final ConsistencyGate consistency;

    UserMembershipsController(MemberQuery members, OrganizationProjection organizations, ConsistencyGate consistency) {
        this.members = members;
        this.organizations = organizations;
        this.consistency = consistency;
    }

    @GetMapping("/api/v1/users/{userId}/memberships")
    Mono<Page<MembershipView>> list(@PathVariable UUID userId,
                                    @RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        UUID after = organizationCursor(page.after(), params);
        params.validate();
        return consistency.read(exchange, caller -> {
                    if (!caller.isProviderAdmin() && !caller.userId().equals(userId)) {
                        throw ApiProblem.notFound("No user " + userId + " whose memberships you may read.");
                    }
                    Page<MemberRow> rows = Page.of(members.activeOf(userId, after, page.fetchSize()), page, MemberRow::organizationId);
                    Map<UUID, String> names = organizations.namesOf(rows.items().stream().map(MemberRow::organizationId).toList());
                    return rows.map(row -> row.membership(names.get(row.organizationId())));
                });
    }

    /** The cursor is the last organization id of the previous page. */
    private static UUID organizationCursor(String decoded, QueryParameters params) {
        if (decoded == null) {
            return null;
        }
        try {
            return UUID.fromString(decoded);
        } catch (IllegalArgumentException e) {
            params.reject("cursor", PageRequest.NOT_A_CURSOR);
            return null;
        }
    }
}
