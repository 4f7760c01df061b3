package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The members page's changes to one member, made in the member's row: roles and teams, and the membership's end date
 * (set, moved, or cleared); a refusal (the last admin's, say) is shown in that row. And creating a user into the
 * organizations the admin picks (in the teams picked of the organization open in the console), from the same page:
 * provider roles are offered to provider admins only, and the API decides on every call whoever sends it.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/members")
class MemberChangesController {

    /** The provider roles of PRODUCT.md §3: only a provider admin may grant them. */
    static final List<String> PROVIDER_ROLES = List.of("provider-admin");

    private final RosterApi api;
    private final MembersController members;

    MemberChangesController(RosterApi api, MembersController members) {
        this.api = api;
        this.members = members;
    }

    /**
     * What the create form holds, echoed back after a refusal (never a password: the form has none). The teams are the
     * organization open in the console's: the only one whose teams the page lists.
     */
    public record CreateForm(String firstName, String lastName, String email, List<String> organizationIds,
                             List<String> roles, List<String> providerRoles, List<String> teamIds) {
        static CreateForm empty(String organizationId) {
            return new CreateForm("", "", "", List.of(organizationId), List.of("member"), List.of(), List.of());
        }
    }

    /** Roles and teams together, as the row's form shows them: the roles first, so a refused role leaves the teams. */
    @PostMapping("/{userId}/edit")
    Mono<String> edit(@PathVariable String organizationId, @PathVariable String userId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            List<String> roles = MembersController.all(form, "roles");
            if (!AfterChange.isId(userId) || roles.isEmpty()) {
                return refusedInRow(exchange, organizationId, model, userId,
                        ApiProblem.ofConsole("validation_failed", "Choose at least one role; to end the membership, remove the member."));
            }
            String path = "/api/v1/organizations/" + organizationId + "/members/" + userId;
            return api.put(Service.IDENTITY, path + "/roles", user.accessToken(), Map.of("roles", roles)).flatMap(rolesAnswer -> {
                if (!rolesAnswer.ok()) {
                    return refusedInRow(exchange, organizationId, model, userId, rolesAnswer.problem());
                }
                return api.put(Service.IDENTITY, path + "/teams", user.accessToken(),
                        Map.of("teamIds", MembersController.all(form, "teamIds"))).flatMap(teamsAnswer -> teamsAnswer.ok()
                        ? MembersController.changed(exchange, organizationId, teamsAnswer,
                                "Saved the roles (" + String.join(", ", roles) + ") and teams of " + email(form) + ".")
                        : keepTokenThenRefuse(exchange, organizationId, model, userId, rolesAnswer, teamsAnswer.problem()));
            });
        }));
    }

    /** The end date: {@code clear} removes it, otherwise the date chosen (the last day of the membership) is set. */
    @PostMapping("/{userId}/expiry")
    Mono<String> expiry(@PathVariable String organizationId, @PathVariable String userId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            boolean clear = "true".equals(MembersController.first(form, "clear"));
            String date = MembersController.first(form, "expiresOn");
            if (!AfterChange.isId(userId)) {
                return refusedInRow(exchange, organizationId, model, userId, ApiProblem.ofConsole("validation_failed", "No such member."));
            }
            String expiresAt = null;
            if (!clear) {
                if (date.isEmpty()) {
                    return refusedInRow(exchange, organizationId, model, userId, ApiProblem.ofConsole("validation_failed",
                            "Choose the membership's last day, or choose \"No end date\"."));
                }
                try {
                    expiresAt = EndOfDay.of(date, MembersController.first(form, "zone")).toString();
                } catch (DateTimeException e) {
                    return refusedInRow(exchange, organizationId, model, userId,
                            ApiProblem.ofConsole("validation_failed", EndOfDay.notADate(date)));
                }
            }
            Map<String, Object> body = new HashMap<>();
            body.put("expiresAt", expiresAt);
            String notice = clear ? "The membership of " + email(form) + " has no end date now."
                    : "The membership of " + email(form) + " ends after " + date + ".";
            return api.put(Service.IDENTITY, "/api/v1/organizations/" + organizationId + "/members/" + userId + "/expiry",
                            user.accessToken(), body)
                    .flatMap(answer -> answer.ok()
                            ? MembersController.changed(exchange, organizationId, answer, notice)
                            : refusedInRow(exchange, organizationId, model, userId, answer.problem()));
        }));
    }

    /** A new account, a member of each organization picked with the roles picked; without a password it gets a set-up email. */
    @PostMapping("/create-user")
    Mono<String> createUser(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            CreateForm typed = new CreateForm(MembersController.first(form, "firstName"), MembersController.first(form, "lastName"),
                    MembersController.first(form, "email"), MembersController.all(form, "organizationIds"),
                    MembersController.all(form, "roles"), MembersController.all(form, "providerRoles"),
                    MembersController.all(form, "teamIds"));
            model.addAttribute("createForm", typed);
            List<String> missing = new ArrayList<>();
            if (typed.firstName().isEmpty()) {
                missing.add("the first name");
            }
            if (typed.lastName().isEmpty()) {
                missing.add("the last name");
            }
            if (typed.email().isEmpty()) {
                missing.add("the email address");
            }
            if (typed.organizationIds().isEmpty() && typed.providerRoles().isEmpty()) {
                missing.add("at least one organization");
            }
            if (!typed.teamIds().isEmpty() && !typed.organizationIds().contains(organizationId)) {
                return members.refusedOnPage(exchange, organizationId, model, "createProblem", ApiProblem.ofConsole("validation_failed",
                        "The teams picked are this organization's: pick this organization too, or no team."));
            }
            if (!missing.isEmpty() || !typed.organizationIds().stream().allMatch(AfterChange::isId)) {
                return members.refusedOnPage(exchange, organizationId, model, "createProblem",
                        ApiProblem.ofConsole("validation_failed", "Enter " + String.join(", ", missing) + "."));
            }
            List<String> roles = typed.roles().isEmpty() ? List.of("member") : typed.roles();
            List<Map<String, Object>> memberships = typed.organizationIds().stream().map(id -> {
                Map<String, Object> membership = new LinkedHashMap<>();
                membership.put("organizationId", id);
                membership.put("roles", roles);
                if (id.equals(organizationId) && !typed.teamIds().isEmpty()) {
                    membership.put("teamIds", typed.teamIds());
                }
                return membership;
            }).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("firstName", typed.firstName());
            body.put("lastName", typed.lastName());
            body.put("email", typed.email());
            body.put("memberships", memberships);
            if (!typed.providerRoles().isEmpty()) {
                // sent as asked even by someone the form did not offer them to: the API refuses a non-provider-admin
                body.put("providerRoles", typed.providerRoles());
            }
            return api.post(Service.IDENTITY, "/api/v1/users", user.accessToken(), body)
                    .flatMap(answer -> answer.ok()
                            ? MembersController.changed(exchange, organizationId, answer, "Created the account of " + typed.email()
                                    + " (" + memberships.size() + (memberships.size() == 1 ? " organization" : " organizations")
                                    + "); they get an email to set their password.")
                            : members.refusedOnPage(exchange, organizationId, model, "createProblem", answer.problem()));
        }));
    }

    private Mono<String> refusedInRow(ServerWebExchange exchange, String organizationId, Model model, String userId,
                                      ApiProblem problem) {
        model.addAttribute("rowProblem", new Views.RowProblem(userId, problem));
        return members.page(exchange, organizationId, new MembersController.Filters(null, null, null, null), model)
                .doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }

    /** The roles were changed, the teams refused: the table must show the new roles, so the roles' token is kept. */
    private Mono<String> keepTokenThenRefuse(ServerWebExchange exchange, String organizationId, Model model, String userId,
                                             ApiAnswer accepted, ApiProblem problem) {
        return exchange.getSession()
                .doOnNext(session -> ConsoleSession.rememberChange(session, accepted.consistencyToken()))
                .then(refusedInRow(exchange, organizationId, model, userId, problem));
    }

    /** The row's address, sent with its forms for the notice (only shown, never used to decide anything). */
    private static String email(MultiValueMap<String, String> form) {
        String email = MembersController.first(form, "email");
        return email.isEmpty() ? "the member" : email;
    }
}
