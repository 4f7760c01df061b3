package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.time.DateTimeException;
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
 * An invitation link edited in its row: name, audience, the roles and teams it grants, expiry, quota and the membership
 * term it grants (MembershipTermForm), sent as the JSON merge patch the API takes, where null means "never expires",
 * "unlimited" and "no membership end". The API's refusal of a quota below the uses so far is shown beside the row's
 * quota field, a bad membership term beside the term's fields.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/links")
class LinkChangesController {

    private final RosterApi api;
    private final LinksController links;

    LinkChangesController(RosterApi api, LinksController links) {
        this.api = api;
        this.links = links;
    }

    /**
     * The expiry: a date other than the one the form was filled with sends its end (the last day on the viewer's
     * calendar); otherwise "never expires" ticked sends null, and unticked leaves the expiry as it is.
     */
    @PostMapping("/{linkId}/edit")
    Mono<String> edit(@PathVariable String organizationId, @PathVariable String linkId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            String name = MembersController.first(form, "name");
            if (!AfterChange.isId(linkId) || name.isEmpty()) {
                return refusedInRow(exchange, organizationId, model, linkId, new ApiProblem(400, "validation_failed",
                        "Give the link a name.", Map.of("name", "must not be empty")));
            }
            List<String> roles = MembersController.all(form, "roles");
            if (roles.isEmpty()) {
                return refusedInRow(exchange, organizationId, model, linkId, new ApiProblem(400, "validation_failed",
                        "Choose at least one role for those who join through the link.", Map.of("roles", "choose at least one")));
            }
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("name", name);
            patch.put("emails", InviteController.addresses(MembersController.all(form, "emails")));
            patch.put("roles", roles);
            patch.put("teamIds", MembersController.all(form, "teamIds"));
            String quota = MembersController.first(form, "quota");
            if (quota.isEmpty()) {
                patch.put("quota", null);
            } else if (quota.matches("[1-9][0-9]{0,8}")) {
                patch.put("quota", Integer.parseInt(quota));
            } else {
                return refusedInRow(exchange, organizationId, model, linkId, new ApiProblem(400, "validation_failed",
                        "The quota is not valid.", Map.of("quota", "a whole number of uses, at least 1 (empty: unlimited)")));
            }
            String date = MembersController.first(form, "expiresOn");
            if (!date.isEmpty() && !date.equals(MembersController.first(form, "shownExpiresOn"))) {
                try {
                    patch.put("expiresAt", EndOfDay.of(date, MembersController.first(form, "zone")).toString());
                } catch (DateTimeException e) {
                    return refusedInRow(exchange, organizationId, model, linkId, new ApiProblem(400, "validation_failed",
                            "The expiry is not valid.", Map.of("expiresAt", EndOfDay.notADate(date))));
                }
            } else if ("true".equals(MembersController.first(form, "neverExpires"))) {
                patch.put("expiresAt", null);
            }
            ApiProblem badTerm = MembershipTermForm.into(patch, form);
            if (badTerm != null) {
                return refusedInRow(exchange, organizationId, model, linkId, badTerm);
            }
            return api.patch(Service.INVITATION, LinksController.base(organizationId) + "/" + linkId, user.accessToken(), patch)
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Saved the link " + name + ": " + summary(patch) + ".",
                                    LinksController.page(organizationId))
                            : refusedInRow(exchange, organizationId, model, linkId, answer.problem()));
        }));
    }

    private static String summary(Map<String, Object> patch) {
        Object quota = patch.get("quota");
        String uses = quota == null ? "unlimited uses" : "at most " + quota + " uses";
        String expiry = !patch.containsKey("expiresAt") ? ", expiry unchanged"
                : patch.get("expiresAt") == null ? ", never expires" : ", expires " + patch.get("expiresAt");
        return uses + expiry + MembershipTermForm.summary(patch);
    }

    private Mono<String> refusedInRow(ServerWebExchange exchange, String organizationId, Model model, String linkId,
                                      ApiProblem problem) {
        model.addAttribute("rowProblem", new Views.RowProblem(linkId, problem));
        return links.page(exchange, organizationId, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }
}
