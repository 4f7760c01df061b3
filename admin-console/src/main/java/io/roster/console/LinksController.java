package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The invitation-links page: the links with their audience (listed addresses, a domain, or public), uses against the
 * quota, expiry and status; create a link, enable or disable one, and copy a link's address (fetched from the API
 * only when asked: the address holds the link's secret token, so it is not written into the table); LinkChangesController
 * edits one in its row.
 * As with invitations, the API lets only admins read links: a plain member gets the page's note.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/links")
class LinksController {

    /** The expiries the form offers, in days; 0 is "never expires". */
    static final List<Integer> EXPIRY_DAYS = List.of(0, 1, 7, 30, 90);

    private final RosterApi api;
    private final OrganizationContext context;
    private final Clock clock = Clock.systemUTC();

    LinksController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    @GetMapping
    Mono<String> links(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return page(exchange, organizationId, model);
    }

    @PostMapping
    Mono<String> create(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            String name = MembersController.first(form, "name");
            List<String> audience = InviteController.addresses(MembersController.all(form, "emails"));
            model.addAttribute("form", Map.of("name", name, "emails", String.join("\n", audience),
                    "quota", MembersController.first(form, "quota")));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("emails", audience);
            List<String> roles = MembersController.all(form, "roles");
            body.put("roles", roles.isEmpty() ? List.of("member") : roles);
            body.put("teamIds", MembersController.all(form, "teamIds"));
            int days = days(MembersController.first(form, "expiresInDays"));
            if (days > 0) {
                body.put("expiresAt", clock.instant().plus(Duration.ofDays(days)).toString());
            }
            ApiProblem problem = name.isEmpty() ? ApiProblem.ofConsole("validation_failed", "Give the link a name.") : null;
            String quota = MembersController.first(form, "quota");
            if (!quota.isEmpty()) {
                if (!quota.matches("[1-9][0-9]{0,8}")) {
                    problem = ApiProblem.ofConsole("validation_failed", "The quota is a whole number of uses, at least 1 (empty: unlimited).");
                } else {
                    body.put("quota", Integer.parseInt(quota));
                }
            }
            if (problem != null) {
                return refused(exchange, organizationId, model, "createProblem", problem);
            }
            return api.post(Service.INVITATION, base(organizationId), user.accessToken(), body)
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Created the link " + name + ". Copy its address from the table.",
                                    page(organizationId))
                            : refused(exchange, organizationId, model, "createProblem", answer.problem()));
        }));
    }

    /** The toggle: the form says which status the link gets, so a double click cannot flip it back. */
    @PostMapping("/{linkId}/status")
    Mono<String> status(@PathVariable String organizationId, @PathVariable String linkId, ServerWebExchange exchange,
                        Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            String status = MembersController.first(form, "status");
            if (!AfterChange.isId(linkId) || !(status.equals("enabled") || status.equals("disabled"))) {
                return refused(exchange, organizationId, model, "actionProblem",
                        ApiProblem.ofConsole("validation_failed", "Choose to enable or to disable a link."));
            }
            return api.put(Service.INVITATION, base(organizationId) + "/" + linkId + "/status", user.accessToken(),
                            Map.of("status", status))
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, status.equals("enabled")
                                    ? "Enabled the link: it can be used again." : "Disabled the link: it cannot be used until enabled.",
                                    page(organizationId))
                            : refused(exchange, organizationId, model, "actionProblem", answer.problem()));
        }));
    }

    /** The link's address, to copy: htmx gets the small fragment beside the button, a plain request the whole page. */
    @GetMapping("/{linkId}/url")
    Mono<String> url(@PathVariable String organizationId, @PathVariable String linkId, ServerWebExchange exchange, Model model) {
        boolean htmx = exchange.getRequest().getHeaders().containsKey("HX-Request");
        return MembersController.withUser(exchange, user -> {
            if (!AfterChange.isId(linkId)) {
                return refused(exchange, organizationId, model, "actionProblem", ApiProblem.ofConsole("validation_failed", "No such link."));
            }
            return api.get(Service.INVITATION, base(organizationId) + "/" + linkId + "/url", user.accessToken(), null).flatMap(answer -> {
                model.addAttribute("urlLinkId", linkId);
                if (answer.ok()) {
                    model.addAttribute("linkUrl", answer.body().path("url").asText());
                } else {
                    model.addAttribute("urlProblem", answer.problem());
                }
                // htmx swaps only 2xx answers by default: a refusal comes as 200 with the message, which is what is shown
                return htmx ? Mono.just("link-url :: url") : page(exchange, organizationId, model);
            });
        });
    }

    Mono<String> page(ServerWebExchange exchange, String organizationId, Model model) {
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session -> {
            String consistencyToken = ConsoleSession.lastChange(session);
            return context.load(user, organizationId, consistencyToken).flatMap(loaded -> {
                model.addAttribute("context", loaded);
                model.addAttribute("organizationId", organizationId);
                model.addAttribute("roles", Views.ROLES);
                model.addAttribute("expiryDays", EXPIRY_DAYS);
                model.addAttribute("links", List.of());
                if (!model.containsAttribute("form")) {
                    model.addAttribute("form", Map.of("name", "", "emails", "", "quota", ""));
                }
                if (!loaded.canAdmin()) {
                    return Mono.just("links");
                }
                return api.get(Service.QUERY, base(organizationId) + "?limit=" + OrganizationContext.PAGE, user.accessToken(),
                        consistencyToken).map(answer -> {
                    List<Views.Link> rows = new ArrayList<>();
                    answer.body().path("items").forEach(row -> rows.add(Views.Link.of(row)));
                    model.addAttribute("links", rows);
                    if (!answer.ok()) {
                        model.addAttribute("loadProblem", answer.problem());
                        exchange.getResponse().setStatusCode(HttpStatus.valueOf(answer.status()));
                    }
                    return "links";
                });
            });
        }));
    }

    private Mono<String> refused(ServerWebExchange exchange, String organizationId, Model model, String where,
                                 ApiProblem problem) {
        model.addAttribute(where, problem);
        return page(exchange, organizationId, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }

    private static int days(String value) {
        try {
            int days = Integer.parseInt(value);
            return EXPIRY_DAYS.contains(days) ? days : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String base(String organizationId) {
        return "/api/v1/organizations/" + organizationId + "/invitation-links";
    }

    static String page(String organizationId) {
        return "/console/organizations/" + organizationId + "/links";
    }
}
