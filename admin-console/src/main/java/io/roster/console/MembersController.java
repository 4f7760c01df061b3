package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * The members page: the table (search, role, team and status filters; pending invitees marked), adding an existing
 * user by email (with an optional end date), and removing one or many members after a confirmation that says how many
 * (MemberChangesController changes one member's roles, teams and end date in its row, and creates users). Every change's
 * Consistency-Token goes with the next read, so the table shows the change at once.
 */
@Controller
@RequestMapping("/console")
class MembersController {

    private static final int MAX_REMOVE = 100;

    private final RosterApi api;
    private final OrganizationContext context;

    MembersController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    /** The filters of the table, echoed back into the filter form. */
    public record Filters(String q, String role, String teamId, String status) {
        public String query() {
            StringBuilder query = new StringBuilder("limit=" + OrganizationContext.PAGE);
            append(query, "q", q);
            append(query, "role", role);
            append(query, "teamId", teamId);
            append(query, "status", status);
            return query.toString();
        }

        private static void append(StringBuilder query, String name, String value) {
            if (value != null && !value.isBlank()) {
                query.append('&').append(name).append('=').append(UriUtils.encode(value.strip(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @GetMapping("/organizations/{organizationId}/members")
    Mono<String> members(@PathVariable String organizationId, @RequestParam(required = false) String q,
                         @RequestParam(required = false) String role, @RequestParam(required = false) String teamId,
                         @RequestParam(required = false) String status, ServerWebExchange exchange, Model model) {
        return page(exchange, organizationId, new Filters(q, role, teamId, status), model);
    }

    @PostMapping("/organizations/{organizationId}/members/add")
    Mono<String> add(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> withUser(exchange, user -> {
            String email = first(form, "email");
            List<String> roles = all(form, "roles");
            model.addAttribute("addEmail", email);
            if (email.isEmpty()) {
                return refusedOnPage(exchange, organizationId, model, "addProblem",
                        ApiProblem.ofConsole("validation_failed", "Enter the email address of the user to add."));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("email", email);
            body.put("roles", roles.isEmpty() ? List.of("member") : roles);
            body.put("teamIds", all(form, "teamIds"));
            String endDate = first(form, "expiresOn");
            model.addAttribute("addEndDate", endDate);
            if (!endDate.isEmpty()) {
                try {
                    body.put("expiresAt", EndOfDay.of(endDate, first(form, "zone")).toString());
                } catch (java.time.DateTimeException e) {
                    return refusedOnPage(exchange, organizationId, model, "addProblem",
                            ApiProblem.ofConsole("validation_failed", EndOfDay.notADate(endDate)));
                }
            }
            return api.post(Service.IDENTITY, "/api/v1/organizations/" + organizationId + "/members", user.accessToken(), body)
                    .flatMap(answer -> answer.ok()
                            ? changed(exchange, organizationId, answer, "Added " + email + ".")
                            : refusedOnPage(exchange, organizationId, model, "addProblem", answer.problem()));
        }));
    }

    /** The confirmation: the selected members listed, with how many, before anything is removed. */
    @PostMapping("/organizations/{organizationId}/members/remove/confirm")
    Mono<String> confirmRemoval(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            List<String> userIds = all(form, "userIds");
            if (userIds.isEmpty()) {
                return refusedOnPage(exchange, organizationId, model, "removeProblem",
                        ApiProblem.ofConsole("validation_failed", "Select the members to remove first."));
            }
            if (userIds.size() > MAX_REMOVE) {
                return refusedOnPage(exchange, organizationId, model, "removeProblem", ApiProblem.ofConsole("validation_failed",
                        "At most " + MAX_REMOVE + " members can be removed at once; " + userIds.size() + " are selected."));
            }
            model.addAttribute("confirmIds", userIds);
            return page(exchange, organizationId, new Filters(null, null, null, null), model);
        });
    }

    @PostMapping("/organizations/{organizationId}/members/remove")
    Mono<String> remove(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> withUser(exchange, user -> {
            List<String> userIds = all(form, "userIds");
            if (userIds.isEmpty() || userIds.size() > MAX_REMOVE || !userIds.stream().allMatch(id -> id.matches("[0-9a-fA-F-]{36}"))) {
                return refusedOnPage(exchange, organizationId, model, "removeProblem",
                        ApiProblem.ofConsole("validation_failed", "Select between 1 and " + MAX_REMOVE + " members to remove."));
            }
            String path = "/api/v1/organizations/" + organizationId + "/members/" + String.join(",", userIds);
            return api.delete(Service.IDENTITY, path, user.accessToken()).flatMap(answer -> {
                if (!answer.ok()) {
                    return refusedOnPage(exchange, organizationId, model, "removeProblem", answer.problem());
                }
                int removed = answer.body().path("removed").size();
                int notMembers = answer.body().path("notMembers").size();
                String notice = "Removed " + removed + (removed == 1 ? " member" : " members") + "; their accounts are kept."
                        + (notMembers > 0 ? " " + notMembers + " selected were no longer members." : "");
                return changed(exchange, organizationId, answer, notice);
            });
        }));
    }

    // ---------------------------------------------------------------------------------------------------------

    Mono<String> page(ServerWebExchange exchange, String organizationId, Filters filters, Model model) {
        return withUser(exchange, user -> exchange.getSession().flatMap(session -> {
            String consistencyToken = ConsoleSession.lastChange(session);
            Mono<ApiAnswer> members = api.get(Service.QUERY,
                    "/api/v1/organizations/" + organizationId + "/members?" + filters.query(), user.accessToken(), consistencyToken);
            return Mono.zip(context.load(user, organizationId, consistencyToken), members).map(loaded -> {
                List<Views.Member> rows = new ArrayList<>();
                loaded.getT2().body().path("items").forEach(row -> rows.add(Views.Member.of(row)));
                model.addAttribute("context", loaded.getT1());
                model.addAttribute("organizationId", organizationId);
                model.addAttribute("filters", filters);
                model.addAttribute("members", rows);
                model.addAttribute("roles", Views.ROLES);
                model.addAttribute("providerRoles", MemberChangesController.PROVIDER_ROLES);
                if (!model.containsAttribute("createForm")) {
                    model.addAttribute("createForm", MemberChangesController.CreateForm.empty(organizationId));
                }
                if (!loaded.getT2().ok()) {
                    model.addAttribute("loadProblem", loaded.getT2().problem());
                    exchange.getResponse().setStatusCode(HttpStatus.valueOf(loaded.getT2().status()));
                }
                List<?> confirmIds = (List<?>) model.getAttribute("confirmIds");
                if (confirmIds != null) {
                    model.addAttribute("confirmMembers", rows.stream().filter(row -> confirmIds.contains(row.userId())).toList());
                }
                return "members";
            });
        }));
    }

    /** After a change: its token kept for the next reads, a notice, and the members page again (POST-redirect-GET). */
    static Mono<String> changed(ServerWebExchange exchange, String organizationId, ApiAnswer answer, String notice) {
        return exchange.getSession().map(session -> {
            ConsoleSession.rememberChange(session, answer.consistencyToken());
            ConsoleSession.notice(session, notice);
            return "redirect:/console/organizations/" + organizationId + "/members";
        });
    }

    /** The members page with the refusal beside what caused it, answered with the API's status. */
    Mono<String> refusedOnPage(ServerWebExchange exchange, String organizationId, Model model, String where,
                                       ApiProblem problem) {
        model.addAttribute(where, problem);
        return page(exchange, organizationId, new Filters(null, null, null, null), model)
                .doOnNext(view -> exchange.getResponse().setStatusCode(HttpStatus.valueOf(problem.status())));
    }

    static Mono<String> withUser(ServerWebExchange exchange, java.util.function.Function<SignedInUser, Mono<String>> action) {
        return exchange.getSession().flatMap(session -> action.apply(ConsoleSession.user(session)));
    }

    static String first(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }

    static List<String> all(MultiValueMap<String, String> form, String name) {
        List<String> values = form.get(name);
        return values == null ? List.of() : values.stream().map(String::strip).filter(value -> !value.isEmpty()).distinct().toList();
    }
}
