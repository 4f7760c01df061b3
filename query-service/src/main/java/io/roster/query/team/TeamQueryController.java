package io.roster.query.team;

import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.query.consistency.ConsistencyGate;
import io.roster.query.web.KeysetCursor;
import io.roster.query.web.QueryParameters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** An organization's teams in name order, for its members and provider admins. */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
class TeamQueryController {

    private final TeamStore teams;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;

    TeamQueryController(TeamStore teams, OrganizationAccess access, ConsistencyGate consistency) {
        this.teams = teams;
        this.access = access;
        this.consistency = consistency;
    }

    @GetMapping("/api/v1/organizations/{organizationId}/teams")
    Mono<Page<TeamView>> list(@PathVariable UUID organizationId,
                              @RequestParam(required = false) String limit,
                              @RequestParam(required = false) String cursor,
                              ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        // a team cursor ends in the last team's id
        KeysetCursor after = params.keyset(page.after(), QueryParameters::isUuid);
        params.validate();
        return consistency.read(exchange, caller -> {
                    access.requireMember(caller, organizationId);
                    return Page.of(teams.page(organizationId, after, page.fetchSize()), page, TeamStore::cursorOf)
                            .map(TeamStore::view);
                });
    }
}
