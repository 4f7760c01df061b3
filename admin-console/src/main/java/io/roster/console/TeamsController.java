package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.util.Map;
import java.util.Optional;
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
 * The teams page: the organization's teams with their member counts; create, rename (in the team's row) and delete
 * after a confirmation that names the team and how many members lose it. The teams are the organization context's
 * own list (read with the last change's Consistency-Token), so no second read is needed.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/teams")
class TeamsController {

    private final RosterApi api;
    private final OrganizationContext context;

    TeamsController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    /** {@code ?delete=<teamId>} shows the confirmation of that team's deletion above the table. */
    @GetMapping
    Mono<String> teams(@PathVariable String organizationId, @RequestParam(required = false) String delete,
                       ServerWebExchange exchange, Model model) {
        model.addAttribute("confirmDelete", delete);
        return page(exchange, organizationId, model);
    }

    @PostMapping
    Mono<String> create(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            String name = MembersController.first(form, "name");
            model.addAttribute("newName", name);
            if (name.isEmpty()) {
                return refused(exchange, organizationId, model, "createProblem",
                        ApiProblem.ofConsole("validation_failed", "Enter the new team's name."));
            }
            return api.post(Service.IDENTITY, base(organizationId), user.accessToken(), Map.of("name", name))
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Created team " + name + ".", page(organizationId))
                            : refused(exchange, organizationId, model, "createProblem", answer.problem()));
        }));
    }

    @PostMapping("/{teamId}/rename")
    Mono<String> rename(@PathVariable String organizationId, @PathVariable String teamId, ServerWebExchange exchange,
                        Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            String name = MembersController.first(form, "name");
            // the refusal shows in this team's row, with what was typed kept in its field
            model.addAttribute("problemTeamId", teamId);
            model.addAttribute("typedName", name);
            if (name.isEmpty() || !AfterChange.isId(teamId)) {
                return refused(exchange, organizationId, model, "renameProblem",
                        ApiProblem.ofConsole("validation_failed", "Enter the team's new name."));
            }
            return api.patch(Service.IDENTITY, base(organizationId) + "/" + teamId, user.accessToken(), Map.of("name", name))
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Renamed the team to " + name + ".", page(organizationId))
                            : refused(exchange, organizationId, model, "renameProblem", answer.problem()));
        }));
    }

    @PostMapping("/{teamId}/delete")
    Mono<String> delete(@PathVariable String organizationId, @PathVariable String teamId, ServerWebExchange exchange,
                        Model model) {
        return MembersController.withUser(exchange, user -> {
            if (!AfterChange.isId(teamId)) {
                return refused(exchange, organizationId, model, "deleteProblem",
                        ApiProblem.ofConsole("validation_failed", "No such team."));
            }
            return context.load(user, organizationId, null).flatMap(loaded -> {
                String name = team(loaded, teamId).map(Views.Team::name).orElse("the team");
                return api.delete(Service.IDENTITY, base(organizationId) + "/" + teamId, user.accessToken())
                        .flatMap(answer -> answer.ok()
                                ? AfterChange.redirect(exchange, answer, "Deleted team " + name + "; its members stay in the organization.",
                                        page(organizationId))
                                : refused(exchange, organizationId, model, "deleteProblem", answer.problem()));
            });
        });
    }

    private Mono<String> page(ServerWebExchange exchange, String organizationId, Model model) {
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session ->
                context.load(user, organizationId, ConsoleSession.lastChange(session)).map(loaded -> {
                    model.addAttribute("context", loaded);
                    model.addAttribute("organizationId", organizationId);
                    Object confirm = model.getAttribute("confirmDelete");
                    if (loaded.canAdmin() && confirm != null) {
                        team(loaded, confirm.toString()).ifPresent(team -> model.addAttribute("deleteTeam", team));
                    }
                    return "teams";
                })));
    }

    private Mono<String> refused(ServerWebExchange exchange, String organizationId, Model model, String where,
                                 ApiProblem problem) {
        model.addAttribute(where, problem);
        return page(exchange, organizationId, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }

    private static Optional<Views.Team> team(OrganizationContext.Loaded loaded, String teamId) {
        return loaded.teams().stream().filter(team -> team.teamId().equals(teamId)).findFirst();
    }

    private static String base(String organizationId) {
        return "/api/v1/organizations/" + organizationId + "/teams";
    }

    private static String page(String organizationId) {
        return "/console/organizations/" + organizationId + "/teams";
    }
}
