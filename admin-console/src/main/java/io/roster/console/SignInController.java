package io.roster.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/** Sign in with Roster's own login (identity's token endpoint), and sign out. */
@Controller
@RequestMapping("/console")
class SignInController {

    private static final Logger log = LoggerFactory.getLogger(SignInController.class);

    private final RosterApi api;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    SignInController(RosterApi api, ObjectMapper json) {
        this.api = api;
        this.json = json;
    }

    @GetMapping("/sign-in")
    String signInPage(@RequestParam(required = false) String ended, @RequestParam(required = false) String signedOut,
                      Model model) {
        if (ended != null) {
            model.addAttribute("notice", "You were signed out: your session ended. Sign in again to go on.");
        } else if (signedOut != null) {
            model.addAttribute("notice", "You are signed out.");
        }
        return "sign-in";
    }

    @PostMapping("/sign-in")
    Mono<String> signIn(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            String email = form.getFirst("email") == null ? "" : form.getFirst("email").strip();
            String password = form.getFirst("password") == null ? "" : form.getFirst("password");
            model.addAttribute("email", email);
            if (email.isEmpty() || password.isEmpty()) {
                return refused(exchange, model, ApiProblem.ofConsole("validation_failed", "Enter your email and your password."));
            }
            return api.signIn(email, password).flatMap(answer -> {
                if (!answer.ok()) {
                    return refused(exchange, model, answer.problem());
                }
                SignedInUser user;
                try {
                    user = SignedInUser.fromToken(answer.body().path("accessToken").asText(),
                            answer.body().path("expiresIn").asLong(), clock.instant(), json);
                } catch (IOException | IllegalArgumentException e) {
                    log.warn("identity answered a token the console cannot read: {}", e.toString());
                    return refused(exchange, model, ApiProblem.ofConsole("unavailable",
                            "Signing in failed: the identity service answered something unexpected."));
                }
                // a new session id at sign-in: a session id planted before it (session fixation) is worth nothing
                return exchange.getSession().flatMap(session -> session.changeSessionId().then(Mono.fromRunnable(() -> {
                    session.getAttributes().put(SignedInUser.SESSION_ATTRIBUTE, user);
                    log.info("signed in: {}", user);
                }))).thenReturn("redirect:/console/");
            });
        });
    }

    private static Mono<String> refused(ServerWebExchange exchange, Model model, ApiProblem problem) {
        exchange.getResponse().setStatusCode(HttpStatus.valueOf(problem.status() == 401 ? 401 : problem.status()));
        model.addAttribute("problem", problem);
        return Mono.just("sign-in");
    }

    @PostMapping("/sign-out")
    Mono<String> signOut(WebSession session) {
        return session.invalidate().thenReturn("redirect:/console/sign-in?signedOut=true");
    }
}
