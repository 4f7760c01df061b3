package io.roster.query.link;

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

/** An organization's invitation links in name order, for its admins and provider admins. */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
class LinkQueryController {

    private final LinkStore links;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;

    LinkQueryController(LinkStore links, OrganizationAccess access, ConsistencyGate consistency) {
        this.links = links;
        this.access = access;
        this.consistency = consistency;
    }

    @GetMapping("/api/v1/organizations/{organizationId}/invitation-links")
    Mono<Page<LinkView>> list(@PathVariable UUID organizationId,
                              @RequestParam(required = false) String limit,
                              @RequestParam(required = false) String cursor,
                              ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        KeysetCursor after = params.keyset(page.after(), QueryParameters::isUuid);
        params.validate();
        return consistency.read(exchange, caller -> {
                    access.requireAdmin(caller, organizationId);
                    return Page.of(links.page(organizationId, after, page.fetchSize()), page, LinkStore::cursorOf)
                            .map(LinkStore::view);
                });
    }
}
