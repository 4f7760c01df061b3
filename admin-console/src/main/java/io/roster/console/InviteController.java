package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The invite page: up to 20 addresses typed as chips, roles, teams and expiry; the answer for each address (invited,
 * already a member, already invited, ...) shown in place under the form. An htmx request gets only that result.
 */
@Controller
@RequestMapping("/console")
class InviteController {

    static final int MAX_ADDRESSES = 20;
    private static final List<Integer> EXPIRY_HOURS = List.of(24, 72, 168, 720);

    private final RosterApi api;
    private final OrganizationContext context;

    InviteController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    @GetMapping("/organizations/{organizationId}/invite")
    Mono<String> invitePage(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return page(exchange, organizationId, model);
    }

    @PostMapping("/organizations/{organizationId}/invite")
    Mono<String> invite(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        boolean htmx = exchange.getRequest().getHeaders().containsKey("HX-Request");
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            List<String> emails = addresses(form.getOrDefault("emails", List.of()));
            model.addAttribute("emails", emails);
            ApiProblem problem = emails.isEmpty()
                    ? ApiProblem.ofConsole("validation_failed", "Add at least one email address to invite.")
                    : emails.size() > MAX_ADDRESSES
                    ? ApiProblem.ofConsole("validation_failed", "At most " + MAX_ADDRESSES + " addresses can be invited at once; "
                            + emails.size() + " were given. Remove " + (emails.size() - MAX_ADDRESSES) + " and send again.")
                    : null;
            if (problem != null) {
                return answer(exchange, organizationId, model, htmx, problem, List.of());
            }
            List<String> roles = MembersController.all(form, "roles");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("emails", emails);
            body.put("roles", roles.isEmpty() ? List.of("member") : roles);
            body.put("teamIds", MembersController.all(form, "teamIds"));
            body.put("expiresInHours", expiryHours(MembersController.first(form, "expiresInHours")));
            return api.post(Service.INVITATION, "/api/v1/organizations/" + organizationId + "/invitations", user.accessToken(), body)
                    .flatMap(result -> {
                        if (!result.ok()) {
                            return answer(exchange, organizationId, model, htmx, result.problem(), List.of());
                        }
                        return exchange.getSession().flatMap(session -> {
                            ConsoleSession.rememberChange(session, result.consistencyToken());
                            return answer(exchange, organizationId, model, htmx, null, outcomes(result));
                        });
                    });
        }));
    }

    private Mono<String> answer(ServerWebExchange exchange, String organizationId, Model model, boolean htmx,
                                ApiProblem problem, List<Views.Outcome> outcomes) {
        model.addAttribute("problem", problem);
        model.addAttribute("outcomes", outcomes);
        model.addAttribute("organizationId", organizationId);
        if (problem != null && !htmx) {
            exchange.getResponse().setStatusCode(HttpStatus.valueOf(problem.status()));
        }
        // htmx swaps only 2xx answers by default: a refusal comes as 200 with the message, which is what is shown
        return htmx ? Mono.just("invite :: result") : page(exchange, organizationId, model);
    }

    private static List<Views.Outcome> outcomes(ApiAnswer result) {
        List<Views.Outcome> outcomes = new ArrayList<>();
        result.body().path("invitations").forEach(row -> outcomes.add(new Views.Outcome(row.path("email").asText(), true,
                "invited", "Invited", row.path("expiresAt").asText(null))));
        result.body().path("rejected").forEach(row -> {
            ApiProblem problem = ApiProblem.of(409, row);
            outcomes.add(new Views.Outcome(row.path("email").asText(), false, problem.code(), problem.message(), null));
        });
        return outcomes;
    }

    private Mono<String> page(ServerWebExchange exchange, String organizationId, Model model) {
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session ->
                context.load(user, organizationId, ConsoleSession.lastChange(session)).map(loaded -> {
                    model.addAttribute("context", loaded);
                    model.addAttribute("organizationId", organizationId);
                    model.addAttribute("roles", Views.ROLES);
                    model.addAttribute("expiryHours", EXPIRY_HOURS);
                    model.addAttribute("maxAddresses", MAX_ADDRESSES);
                    return "invite";
                })));
    }

    /** Each chip is one {@code emails} value; text typed but not turned into a chip may hold several, split here. */
    static List<String> addresses(List<String> values) {
        Set<String> addresses = new LinkedHashSet<>();
        for (String value : values) {
            for (String part : value.split("[,;\\s]+")) {
                if (!part.isBlank()) {
                    addresses.add(part.strip());
                }
            }
        }
        return List.copyOf(addresses);
    }

    private static int expiryHours(String value) {
        try {
            int hours = Integer.parseInt(value);
            return EXPIRY_HOURS.contains(hours) ? hours : 72;
        } catch (NumberFormatException e) {
            return 72;
        }
    }
}
