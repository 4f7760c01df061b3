package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The pending-invitations page: the personal invitations of one status (pending unless another is chosen, "all" for
 * every status) with their expiry in the viewer's time zone and how often each was resent; resend a pending or
 * expired one, revoke a pending one after a confirmation (InvitationChangesController edits a pending one and resends many). The API lets only admins read invitations, so a plain
 * member gets the page's note instead of the table, without a call that would be refused.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/invitations")
class InvitationsController {

    static final List<String> STATUSES = List.of("pending", "expired", "revoked", "declined", "accepted");
    private static final String ALL = "all";

    private final RosterApi api;
    private final OrganizationContext context;

    InvitationsController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    /** {@code ?revoke=<invitationId>} shows the confirmation of that invitation's revocation above the table. */
    @GetMapping
    Mono<String> invitations(@PathVariable String organizationId, @RequestParam(required = false) String status,
                             @RequestParam(required = false) String revoke, ServerWebExchange exchange, Model model) {
        model.addAttribute("confirmRevoke", revoke);
        return page(exchange, organizationId, status, model);
    }

    @PostMapping("/{invitationId}/resend")
    Mono<String> resend(@PathVariable String organizationId, @PathVariable String invitationId, ServerWebExchange exchange,
                        Model model) {
        return MembersController.withUser(exchange, user -> {
            if (!AfterChange.isId(invitationId)) {
                return refused(exchange, organizationId, model, ApiProblem.ofConsole("validation_failed", "No such invitation."));
            }
            return api.post(Service.INVITATION, base(organizationId) + "/" + invitationId + "/resend", user.accessToken(), null)
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Sent the invitation to " + answer.body().path("email").asText()
                                    + " again: the earlier link no longer works.", page(organizationId))
                            : refused(exchange, organizationId, model, answer.problem()));
        });
    }

    @PostMapping("/{invitationId}/revoke")
    Mono<String> revoke(@PathVariable String organizationId, @PathVariable String invitationId, ServerWebExchange exchange,
                        Model model) {
        return MembersController.withUser(exchange, user -> {
            if (!AfterChange.isId(invitationId)) {
                return refused(exchange, organizationId, model, ApiProblem.ofConsole("validation_failed", "No such invitation."));
            }
            return api.delete(Service.INVITATION, base(organizationId) + "/" + invitationId, user.accessToken())
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Revoked the invitation: its link no longer works.",
                                    page(organizationId))
                            : refused(exchange, organizationId, model, answer.problem()));
        });
    }

    Mono<String> page(ServerWebExchange exchange, String organizationId, String status, Model model) {
        String shown = status == null || status.isBlank() ? "pending" : status;
        if (!shown.equals(ALL) && !STATUSES.contains(shown)) {
            shown = "pending";
        }
        String filter = shown;
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session -> {
            String consistencyToken = ConsoleSession.lastChange(session);
            return context.load(user, organizationId, consistencyToken).flatMap(loaded -> {
                model.addAttribute("context", loaded);
                model.addAttribute("organizationId", organizationId);
                model.addAttribute("statuses", STATUSES);
                model.addAttribute("status", filter);
                model.addAttribute("invitations", List.of());
                model.addAttribute("roles", Views.ROLES);
                if (!loaded.canAdmin()) {
                    return Mono.just("invitations");
                }
                String query = "?limit=" + OrganizationContext.PAGE + (filter.equals(ALL) ? "" : "&status=" + filter);
                return api.get(Service.QUERY, base(organizationId) + query, user.accessToken(), consistencyToken).map(answer -> {
                    List<Views.Invitation> rows = new ArrayList<>();
                    answer.body().path("items").forEach(row -> rows.add(Views.Invitation.of(row)));
                    model.addAttribute("invitations", rows);
                    if (!answer.ok()) {
                        model.addAttribute("loadProblem", answer.problem());
                        exchange.getResponse().setStatusCode(HttpStatus.valueOf(answer.status()));
                    }
                    Object confirm = model.getAttribute("confirmRevoke");
                    if (confirm != null) {
                        rows.stream().filter(row -> row.invitationId().equals(confirm) && row.revocable()).findFirst()
                                .ifPresent(row -> model.addAttribute("revokeInvitation", row));
                    }
                    return "invitations";
                });
            });
        }));
    }

    /** A refused resend or revoke shows above the table, answered with the API's status. */
    private Mono<String> refused(ServerWebExchange exchange, String organizationId, Model model, ApiProblem problem) {
        model.addAttribute("actionProblem", problem);
        return page(exchange, organizationId, null, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }

    static String base(String organizationId) {
        return "/api/v1/organizations/" + organizationId + "/invitations";
    }

    private static String page(String organizationId) {
        return "/console/organizations/" + organizationId + "/invitations";
    }
}
