package io.roster.invitation.invitation;

import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.command.Commands;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ProblemWebExceptionHandler;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Many personal invitations sent again at once (issue 17 item 5): the ones listed, or every pending or every expired one
 * of the organization, at most {@value #MAX} per request. Each is resent as the single resend does (a new token, a new
 * expiry) and reported on its own: one that cannot be resent is listed with the code the single resend would answer,
 * and the others go on.
 */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitations/resend")
class InvitationResendController {

    static final int MAX = 1000;
    /**
     * A Consistency-Token names every aggregate the request changed; beyond this many it would outgrow what an HTTP
     * header may carry when sent back, so a larger resend answers none and its readers see the resends a moment later.
     */
    private static final int MAX_TOKEN_AGGREGATES = 50;

    private final Commands commands;
    private final OrganizationAccess access;
    private final InvitationLookup lookup;
    private final InvitationResender resender;
    private final Clock clock;

    InvitationResendController(Commands commands, OrganizationAccess access, InvitationLookup lookup, InvitationResender resender,
                               Clock clock) {
        this.commands = commands;
        this.access = access;
        this.lookup = lookup;
        this.resender = resender;
        this.clock = clock;
    }

    @PostMapping
    Mono<ResponseEntity<ResendReport>> resendMany(@PathVariable UUID organizationId, @Valid @RequestBody ResendRequest request,
                                                  ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> commands.run(exchange, () -> {
            access.requireAdmin(caller, organizationId);
            List<UUID> chosen = chosen(organizationId, request);
            List<Resent> resent = new ArrayList<>();
            List<NotResent> notResent = new ArrayList<>();
            for (UUID invitationId : chosen) {
                try {
                    InvitationResender.Resent done = resender.resend(organizationId, invitationId, caller.userId());
                    resent.add(new Resent(invitationId, done.email(), InvitationStatus.PENDING.json(), done.expiresAt()));
                } catch (RuntimeException e) {
                    ApiProblem problem = ProblemWebExceptionHandler.toProblem(e);
                    if (problem.status().is5xxServerError()) {
                        throw e;
                    }
                    notResent.add(new NotResent(invitationId, problem.code(), problem.detail()));
                }
            }
            return new ResendReport(resent, notResent);
        })).map(sent -> {
            ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
            if (sent.consistencyToken() != null && sent.result().resent().size() <= MAX_TOKEN_AGGREGATES) {
                ok.header(ConsistencyToken.HEADER, sent.consistencyToken());
            }
            return ok.body(sent.result());
        });
    }

    private List<UUID> chosen(UUID organizationId, ResendRequest request) {
        if ((request.invitationIds() == null) == (request.status() == null)) {
            throw ApiProblem.invalidField("invitationIds", "give invitationIds or status, one of the two");
        }
        if (request.invitationIds() != null) {
            return List.copyOf(new LinkedHashSet<>(request.invitationIds()));
        }
        InvitationStatus status = InvitationStatus.valueOf(request.status().toUpperCase(java.util.Locale.ROOT));
        List<UUID> found = lookup.inOrganization(organizationId, status, clock.instant(), MAX + 1);
        if (found.size() > MAX) {
            throw ApiProblem.invalidField("status", "more than " + MAX + " " + request.status()
                    + " invitations; resend them by invitationIds, " + MAX + " at a time");
        }
        return found;
    }

    /** The invitations to resend: listed, or all of one status. */
    record ResendRequest(@Size(min = 1, max = MAX) List<@NotNull UUID> invitationIds,
                         @Pattern(regexp = "pending|expired", message = "must be pending or expired") String status) {
    }

    record ResendReport(List<Resent> resent, List<NotResent> notResent) {
    }

    record Resent(UUID invitationId, String email, String status, Instant expiresAt) {
    }

    record NotResent(UUID invitationId, String code, String detail) {
    }
}
