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
 * The email page: the organization's delivery log (status, attempts, last error; filtered by status) and its own SMTP
 * server settings with a test send, or the platform's server when it has none. The password is write-only: the page
 * shows whether one is set, never the password (the API never returns it); an empty password field keeps it.
 * The notification service lets only admins read either, so a plain member gets the page's note.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/email")
class EmailController {

    static final List<String> STATUSES = List.of("pending", "retrying", "sending", "sent", "failed", "unknown", "cancelled");
    static final List<String> TLS_MODES = List.of("starttls", "tls", "none");
    private static final int LOG_ROWS = 50;

    private final RosterApi api;
    private final OrganizationContext context;

    EmailController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    @GetMapping
    Mono<String> email(@PathVariable String organizationId, @RequestParam(required = false) String status,
                       @RequestParam(required = false) String cursor, ServerWebExchange exchange, Model model) {
        model.addAttribute("status", status != null && STATUSES.contains(status) ? status : "");
        // the delivery log pages with the API's cursor: older emails, a page at a time
        model.addAttribute("cursor", cursor == null || cursor.isBlank() ? null : cursor);
        return page(exchange, organizationId, model);
    }

    @PostMapping("/settings")
    Mono<String> save(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            Map<String, String> typed = typed(form);
            model.addAttribute("form", typed);
            Object body;
            try {
                body = settingsBody(form);
            } catch (IllegalArgumentException e) {
                return refused(exchange, organizationId, model, "settingsProblem", new ApiProblem(400, "validation_failed",
                        "Some settings are not valid; nothing was saved.", Map.of("port", e.getMessage())));
            }
            return api.put(Service.NOTIFICATION, base(organizationId), user.accessToken(), body)
                    .flatMap(answer -> answer.ok()
                            ? AfterChange.redirect(exchange, answer, "Saved the SMTP settings: this organization's emails now go through "
                                    + answer.body().path("host").asText() + ":" + answer.body().path("port").asText() + ".", page(organizationId))
                            : refused(exchange, organizationId, model, "settingsProblem", answer.problem()));
        }));
    }

    @PostMapping("/settings/delete")
    Mono<String> useThePlatformServer(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return MembersController.withUser(exchange, user -> api.delete(Service.NOTIFICATION, base(organizationId), user.accessToken())
                .flatMap(answer -> answer.ok()
                        ? AfterChange.redirect(exchange, answer,
                                "Removed this organization's SMTP settings: its emails go through the platform's server again.", page(organizationId))
                        : refused(exchange, organizationId, model, "settingsProblem", answer.problem())));
    }

    /** The test send's outcome shows beside its form (sent, or the SMTP server's error), not as a notice elsewhere. */
    @PostMapping("/test")
    Mono<String> test(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> MembersController.withUser(exchange, user -> {
            String to = MembersController.first(form, "to");
            model.addAttribute("testTo", to);
            if (to.isEmpty()) {
                return refused(exchange, organizationId, model, "testProblem",
                        ApiProblem.ofConsole("validation_failed", "Enter the address to send the test email to."));
            }
            return api.post(Service.NOTIFICATION, base(organizationId) + "/test", user.accessToken(), Map.of("to", to))
                    .flatMap(answer -> {
                        if (!answer.ok()) {
                            return refused(exchange, organizationId, model, "testProblem", answer.problem());
                        }
                        model.addAttribute("testResult", Map.of("status", answer.body().path("status").asText(""),
                                "recipient", answer.body().path("recipient").asText(to),
                                "error", answer.body().path("error").asText(""),
                                "notificationId", answer.body().path("notificationId").asText("")));
                        return page(exchange, organizationId, model);
                    });
        }));
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The API's body: an empty password field keeps the stored password ({@code password} left out), the "remove"
     * box removes it ({@code ""}); without a username no password is sent at all.
     */
    static Map<String, Object> settingsBody(MultiValueMap<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("host", MembersController.first(form, "host"));
        String port = MembersController.first(form, "port");
        if (!port.isEmpty()) {
            if (!port.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("must be a number such as 587");
            }
            body.put("port", Integer.parseInt(port));
        }
        body.put("tlsMode", MembersController.first(form, "tlsMode"));
        String username = MembersController.first(form, "username");
        body.put("username", username.isEmpty() ? null : username);
        // a password may begin or end with spaces: taken as typed, not stripped
        String password = form.getFirst("password") == null ? "" : form.getFirst("password");
        if (!username.isEmpty()) {
            if ("true".equals(form.getFirst("removePassword"))) {
                body.put("password", "");
            } else if (!password.isEmpty()) {
                body.put("password", password);
            }
        }
        body.put("senderAddress", MembersController.first(form, "senderAddress"));
        String senderName = MembersController.first(form, "senderName");
        body.put("senderName", senderName.isEmpty() ? null : senderName);
        return body;
    }

    /** What was typed, shown again beside a refusal; never the password. */
    private static Map<String, String> typed(MultiValueMap<String, String> form) {
        Map<String, String> typed = new LinkedHashMap<>();
        for (String field : List.of("host", "port", "tlsMode", "username", "senderAddress", "senderName")) {
            typed.put(field, MembersController.first(form, field));
        }
        return typed;
    }

    private Mono<String> page(ServerWebExchange exchange, String organizationId, Model model) {
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session -> {
            String consistencyToken = ConsoleSession.lastChange(session);
            return context.load(user, organizationId, consistencyToken).flatMap(loaded -> {
                model.addAttribute("context", loaded);
                model.addAttribute("organizationId", organizationId);
                model.addAttribute("statuses", STATUSES);
                model.addAttribute("tlsModes", TLS_MODES);
                model.addAttribute("deliveries", List.of());
                model.addAttribute("settings", Views.EmailSettings.PLATFORM);
                if (!model.containsAttribute("status")) {
                    model.addAttribute("status", "");
                }
                if (!loaded.canAdmin()) {
                    return Mono.just("email");
                }
                String status = (String) model.getAttribute("status");
                String cursor = (String) model.getAttribute("cursor");
                Mono<ApiAnswer> settings = api.get(Service.NOTIFICATION, base(organizationId), user.accessToken(), null);
                Mono<ApiAnswer> log = api.get(Service.NOTIFICATION, "/api/v1/organizations/" + organizationId + "/notifications?limit="
                        + LOG_ROWS + (status.isEmpty() ? "" : "&status=" + status)
                        + (cursor == null ? "" : "&cursor=" + UriUtils.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)), user.accessToken(), null);
                return Mono.zip(settings, log).map(answers -> {
                    ApiAnswer settingsAnswer = answers.getT1();
                    if (settingsAnswer.ok()) {
                        model.addAttribute("settings", Views.EmailSettings.of(settingsAnswer.body()));
                    } else if (settingsAnswer.status() != 404) {
                        // 404 is "no settings of its own": the platform's server
                        model.addAttribute("loadProblem", settingsAnswer.problem());
                    }
                    Views.EmailSettings shown = (Views.EmailSettings) model.getAttribute("settings");
                    if (!model.containsAttribute("form")) {
                        model.addAttribute("form", Map.of("host", shown.host(), "port", shown.port(), "tlsMode", shown.tlsMode(),
                                "username", shown.username(), "senderAddress", shown.senderAddress(), "senderName", shown.senderName()));
                    }
                    List<Views.Delivery> rows = new ArrayList<>();
                    answers.getT2().body().path("items").forEach(row -> rows.add(Views.Delivery.of(row)));
                    model.addAttribute("deliveries", rows);
                    model.addAttribute("nextCursor", answers.getT2().body().path("nextCursor").asText(null));
                    if (!answers.getT2().ok()) {
                        model.addAttribute("logProblem", answers.getT2().problem());
                        exchange.getResponse().setStatusCode(HttpStatus.valueOf(answers.getT2().status()));
                    }
                    return "email";
                });
            });
        }));
    }

    private Mono<String> refused(ServerWebExchange exchange, String organizationId, Model model, String where, ApiProblem problem) {
        model.addAttribute(where, problem);
        return page(exchange, organizationId, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }

    private static String base(String organizationId) {
        return "/api/v1/organizations/" + organizationId + "/email-settings";
    }

    private static String page(String organizationId) {
        return "/console/organizations/" + organizationId + "/email";
    }
}
