package io.roster.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.console.RosterApi.Service;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The pending-invitations page's changes beyond one resend or revoke: a pending invitation's roles, teams, expiry and
 * the membership term it grants (MembershipTermForm) edited in its row (PATCH), and a resend of many at once, the ones selected by their checkboxes or every expired one,
 * whose report (resent with the new expiry, or not and why) is shown in place above the table.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/invitations")
class InvitationChangesController {

    /** The API's limit of one bulk resend. */
    static final int MAX_RESEND = 1000;

    private final RosterApi api;
    private final InvitationsController invitations;

    InvitationChangesController(RosterApi api, InvitationsController invitations) {
        this.api = api;
        this.invitations = invitations;
    }

    @PostMapping("/{invitationId}/edit")
    Mono<String> edit(@PathVariable String organizationId, @PathVariable String invitationId, ServerWebExchange exchange,
                      Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            List<String> roles = MembersController.all(form, "roles");
            if (!AfterChange.isId(invitationId) || roles.isEmpty()) {
                return refusedInRow(exchange, organizationId, model, invitationId,
                        ApiProblem.ofConsole("validation_failed", "Choose at least one role for the invitee."));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("roles", roles);
            body.put("teamIds", MembersController.all(form, "teamIds"));
            String date = MembersController.first(form, "expiresOn");
            if (!date.isEmpty()) {
                try {
                    body.put("expiresAt", EndOfDay.of(date, MembersController.first(form, "zone")).toString());
                } catch (DateTimeException e) {
                    return refusedInRow(exchange, organizationId, model, invitationId,
                            ApiProblem.ofConsole("validation_failed", EndOfDay.notADate(date)));
                }
            }
            ApiProblem badTerm = MembershipTermForm.into(body, form);
            if (badTerm != null) {
                return refusedInRow(exchange, organizationId, model, invitationId, badTerm);
            }
            String email = MembersController.first(form, "email");
            return api.patch(Service.INVITATION, InvitationsController.base(organizationId) + "/" + invitationId, user.accessToken(), body)
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Saved the invitation of " + (email.isEmpty() ? "the invitee" : email)
                                    + ": roles " + String.join(", ", roles) + (date.isEmpty() ? "" : ", valid through " + date)
                                    + MembershipTermForm.summary(body) + ".",
                                    "/console/organizations/" + organizationId + "/invitations")
                            : refusedInRow(exchange, organizationId, model, invitationId, answer.problem()));
        }));
    }

    /** {@code status=expired} resends every expired invitation; otherwise the ones whose checkboxes were ticked. */
    @PostMapping("/resend")
    Mono<String> resendMany(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            boolean allExpired = "expired".equals(MembersController.first(form, "status"));
            List<String> ids = MembersController.all(form, "invitationIds");
            Map<String, Object> body = new LinkedHashMap<>();
            if (allExpired) {
                body.put("status", "expired");
            } else if (ids.isEmpty() || ids.size() > MAX_RESEND || !ids.stream().allMatch(AfterChange::isId)) {
                return refused(exchange, organizationId, model, ApiProblem.ofConsole("validation_failed", ids.isEmpty()
                        ? "Select the invitations to resend first (or choose \"Resend all expired\")."
                        : "Select between 1 and " + MAX_RESEND + " invitations to resend."));
            } else {
                body.put("invitationIds", ids);
            }
            return api.post(Service.INVITATION, InvitationsController.base(organizationId) + "/resend", user.accessToken(), body)
                    .flatMap(answer -> {
                        if (!answer.ok()) {
                            return refused(exchange, organizationId, model, answer.problem());
                        }
                        return exchange.getSession().flatMap(session -> {
                            ConsoleSession.rememberChange(session, answer.consistencyToken());
                            model.addAttribute("resendReport", report(answer.body(), MembersController.all(form, "emails")));
                            model.addAttribute("resendAll", allExpired);
                            return invitations.page(exchange, organizationId, null, model);
                        });
                    });
        }));
    }

    /**
     * The API's report, one line per invitation. A refused one comes with its id only: its address is taken from the
     * form, whose checkboxes each send "id address" pairs in a hidden field beside them, when it was there.
     */
    private static List<Views.ResendOutcome> report(JsonNode body, List<String> idAndEmail) {
        Map<String, String> emails = new LinkedHashMap<>();
        idAndEmail.forEach(pair -> {
            int space = pair.indexOf(' ');
            if (space > 0) {
                emails.put(pair.substring(0, space), pair.substring(space + 1));
            }
        });
        List<Views.ResendOutcome> outcomes = new ArrayList<>();
        body.path("resent").forEach(row -> outcomes.add(new Views.ResendOutcome(row.path("invitationId").asText(),
                row.path("email").asText(), true, "resent", "Resent: the earlier link no longer works.", row.path("expiresAt").asText(null))));
        body.path("notResent").forEach(row -> {
            String id = row.path("invitationId").asText();
            ApiProblem problem = ApiProblem.of(409, row);
            outcomes.add(new Views.ResendOutcome(id, emails.getOrDefault(id, id), false, problem.code(), problem.message(), null));
        });
        return outcomes;
    }

    private Mono<String> refusedInRow(ServerWebExchange exchange, String organizationId, Model model, String invitationId,
                                      ApiProblem problem) {
        model.addAttribute("rowProblem", new Views.RowProblem(invitationId, problem));
        return invitations.page(exchange, organizationId, null, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }

    private Mono<String> refused(ServerWebExchange exchange, String organizationId, Model model, ApiProblem problem) {
        model.addAttribute("resendProblem", problem);
        return invitations.page(exchange, organizationId, null, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }
}
