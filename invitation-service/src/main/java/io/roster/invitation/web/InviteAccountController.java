package io.roster.invitation.web;

import io.roster.invitation.invitation.InvitationAcceptance;
import io.roster.kit.web.ApiProblem;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Clock;

import java.util.List;

/**
 * Sign-up and login for a visitor who opened an invitation. This service never calls the identity service: the
 * pages' script does ({@code /invite/assets/invite.js}, with CORS), posting the access token it got back to
 * {@code POST /invite/session}, which checks it like the API does and keeps it in the session cookie. Then the
 * script returns to the invitation.
 */
@Controller
@RequestMapping("/invite")
class InviteAccountController {

    private final InvitationAcceptance acceptance;
    private final PageSession session;
    private final InvitePagesProperties properties;
    private final Clock clock;

    InviteAccountController(InvitationAcceptance acceptance, PageSession session, InvitePagesProperties properties,
                            Clock clock) {
        this.clock = clock;
        this.acceptance = acceptance;
        this.session = session;
        this.properties = properties;
    }

    @GetMapping("/sign-up")
    Mono<Rendering> signUp(ServerWebExchange exchange) {
        return accountPage("invite/sign-up", exchange);
    }

    @GetMapping("/login")
    Mono<Rendering> login(ServerWebExchange exchange) {
        return accountPage("invite/login", exchange);
    }

    /** The access token the script got from the identity service becomes the session cookie, for as long as it is valid. */
    @PostMapping("/session")
    Mono<ResponseEntity<Void>> startSession(ServerWebExchange exchange) {
        return exchange.getFormData()
                .flatMap(form -> Mono.justOrEmpty(form.getFirst("accessToken")))
                .filter(token -> !token.isBlank())
                .switchIfEmpty(Mono.error(() -> ApiProblem.validation(List.of(
                        new ApiProblem.FieldProblem("accessToken", "is required")))))
                .flatMap(token -> session.start(token).map(started -> {
                    exchange.getResponse().addCookie(InviteCookies.session(token, started.lifetime(), exchange));
                    return ResponseEntity.noContent().<Void>build();
                }));
    }

    /** Ends the session and goes back to the invitation (which then asks to log in or sign up). */
    @PostMapping("/logout")
    Mono<Rendering> logout(ServerWebExchange exchange) {
        exchange.getResponse().addCookie(InviteCookies.cleared(InviteCookies.SESSION, exchange));
        return exchange.getFormData()
                .map(form -> form.getFirst("token"))
                .filter(InviteCookies::looksLikeToken)
                .map(token -> Rendering.redirectTo("/invite/" + token).build())
                .defaultIfEmpty(Rendering.redirectTo("/invite/login").build());
    }

    private Mono<Rendering> accountPage(String view, ServerWebExchange exchange) {
        return InviteCookies.invitation(exchange)
                .map(token -> InvitePageController.preview(acceptance, token)
                        .map(preview -> {
                            PageProblem problem = PageProblem.ofPreview(preview, clock.instant());
                            if (problem != null) {
                                return InvitePageController.problemPage(problem)
                                        .modelAttribute("organizationName", preview.organizationName()).build();
                            }
                            // the invited address and name fill in the form: the visitor holds the link sent to that address
                            InvitationAcceptance.Invitee invitee = acceptance.invitee(token).orElse(null);
                            return InvitePageController.withPreview(Rendering.view(view), preview)
                                    // the visitor's own token, for the sign-up call; it is in their email and URL already
                                    .modelAttribute("token", token)
                                    .modelAttribute("invitee", invitee)
                                    .modelAttribute("identityUrl", properties.identityUrl())
                                    .modelAttribute("continueUrl", "/invite/" + token)
                                    .build();
                        })
                        .switchIfEmpty(Mono.fromSupplier(() -> {
                            exchange.getResponse().addCookie(InviteCookies.cleared(InviteCookies.INVITATION, exchange));
                            return InvitePageController.problemPage(PageProblem.of(InvitePageController.NOT_FOUND)).build();
                        })))
                .orElseGet(() -> Mono.just(InvitePageController.problemPage(PageProblem.of(PageProblem.MISSING)).build()));
    }
}
