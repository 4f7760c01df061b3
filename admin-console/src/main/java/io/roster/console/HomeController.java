package io.roster.console;

import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The start page: the organizations the viewer may open, paged (a provider admin may open any of thousands), straight to
 * the members of the only one when there is one.
 */
@Controller
@RequestMapping("/console")
class HomeController {

    private final OrganizationContext context;

    HomeController(OrganizationContext context) {
        this.context = context;
    }

    /** The organizations the viewer may open, a page of 200 at a time ({@code cursor}: the next page's). */
    @GetMapping({"", "/"})
    Mono<String> home(@RequestParam(required = false) String cursor, WebSession session, Model model) {
        SignedInUser user = ConsoleSession.user(session);
        return context.organizations(user, cursor).map(page -> {
            List<Views.Organization> organizations = page.organizations();
            if (cursor == null && organizations.size() == 1 && page.nextCursor() == null && !user.providerAdmin()) {
                return "redirect:/console/organizations/" + organizations.get(0).organizationId() + "/members";
            }
            model.addAttribute("organizations", organizations);
            model.addAttribute("nextCursor", page.nextCursor());
            model.addAttribute("laterPage", cursor != null && !cursor.isBlank());
            model.addAttribute("problem", page.answer().ok() ? null : page.answer().problem());
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
