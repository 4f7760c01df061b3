package io.roster.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/** The start page: the organization switcher (straight to the members of the only organization when there is one). */
@Controller
@RequestMapping("/console")
class HomeController {

    private final OrganizationContext context;

    HomeController(OrganizationContext context) {
        this.context = context;
    }

    @GetMapping({"", "/"})
    Mono<String> home(WebSession session, Model model) {
        SignedInUser user = ConsoleSession.user(session);
        return context.organizations(user).map(organizations -> {
            if (organizations.size() == 1 && !user.providerAdmin()) {
                return "redirect:/console/organizations/" + organizations.get(0).organizationId() + "/members";
            }
            model.addAttribute("organizations", organizations);
            return "organizations";
        });
    }

    /** The switcher's form: a GET, so the chosen organization's page has an address of its own. */
    @GetMapping("/switch")
    String switchTo(@RequestParam(required = false) String organizationId) {
        if (organizationId == null || !organizationId.matches("[0-9a-fA-F-]{36}")) {
            return "redirect:/console/";
        }
        return "redirect:/console/organizations/" + organizationId + "/members";
    }
}
