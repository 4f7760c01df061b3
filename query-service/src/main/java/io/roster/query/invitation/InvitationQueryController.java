package io.roster.query.invitation;

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

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** An organization's personal invitations, for its admins and provider admins. */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
class InvitationQueryController {

    private static final Map<String, String> STATUSES = Map.of(
            "pending", "pending", "accepted", "accepted", "revoked", "revoked", "expired", "expired", "declined", "declined");
    private static final int MAX_EMAIL = 320;

    private final InvitationStore invitations;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;

    InvitationQueryController(InvitationStore invitations, OrganizationAccess access, ConsistencyGate consistency) {
        this.invitations = invitations;
        this.access = access;
        this.consistency = consistency;
    }

    @GetMapping("/api/v1/organizations/{organizationId}/invitations")
    Mono<Page<InvitationView>> list(@PathVariable UUID organizationId,
                                    @RequestParam(required = false) String status,
                                    @RequestParam(required = false) String email,
                                    @RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        String statusFilter = params.oneOf("status", status, STATUSES);
        String emailText = params.text("email", email, MAX_EMAIL);
        String emailFilter = emailText == null ? null : emailText.toLowerCase(Locale.ROOT);
        KeysetCursor after = params.keyset(page.after(), QueryParameters::isUuid);
        params.validate();
        return consistency.read(exchange, caller -> {
                    access.requireAdmin(caller, organizationId);
                    return Page.of(invitations.page(organizationId, statusFilter, emailFilter, after, page.fetchSize()),
                            page, InvitationStore::cursorOf).map(InvitationStore::view);
                });
    }

}
